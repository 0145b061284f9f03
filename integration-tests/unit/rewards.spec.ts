import {
  cartPromotionCodes,
  couponReplayProblem,
  couponStatus,
  couponUseProblem,
  unfinishedCouponCutoff,
  unfinishedCouponOutcome,
} from "../../src/lib/rewards/rules"

describe("couponUseProblem", () => {
  const now = new Date("2026-12-02T12:00:00Z")
  const coupon = {
    code: "PTS-AAAA-BBBB-CCCC",
    customer_id: "cus_owner",
    expires_at: new Date("2026-12-09T12:00:00Z"),
    expired_at: null,
  }
  const unused = { used: 0, limit: 1 }

  it("lets the owner use an open coupon", () => {
    expect(couponUseProblem(coupon, unused, "cus_owner", now)).toBeNull()
  })

  it("refuses a coupon past its date, closed by the expiry job or already used (issue 12, defect 3)", () => {
    expect(couponUseProblem({ ...coupon, expires_at: now }, unused, "cus_owner", now)).toBe(
      "Coupon PTS-AAAA-BBBB-CCCC has expired: remove it from the cart"
    )
    expect(couponUseProblem({ ...coupon, expired_at: now }, unused, "cus_owner", now)).toMatch(/has expired/)
    expect(couponUseProblem(coupon, { used: 1, limit: 1 }, "cus_owner", now)).toBe(
      "Coupon PTS-AAAA-BBBB-CCCC has already been used: remove it from the cart"
    )
  })

  it("refuses a coupon on a cart that is not its owner's (issue 12, defect 9)", () => {
    expect(couponUseProblem(coupon, unused, "cus_other", now)).toBe(
      "Coupon PTS-AAAA-BBBB-CCCC can only be used by its owner, logged in"
    )
    expect(couponUseProblem(coupon, unused, null, now)).toMatch(/only be used by its owner/)
  })
})

describe("cartPromotionCodes", () => {
  it("reads the codes that discount items and shipping, once each", () => {
    expect(
      cartPromotionCodes({
        items: [{ adjustments: [{ code: "A" }, { code: null }] }, { adjustments: [{ code: "A" }] }, { adjustments: null }],
        shipping_methods: [{ adjustments: [{ code: "SHIP" }] }],
      })
    ).toEqual(["A", "SHIP"])
    expect(cartPromotionCodes({})).toEqual([])
  })
})

describe("coupon purchases that died part-way (coupons review 2)", () => {
  const now = new Date("2026-12-06T12:00:00Z")
  const open = { expires_at: new Date("2026-12-13T12:00:00Z"), expired_at: null }

  it("shows a coupon not yet tied to its promotion as pending, and refuses it at checkout", () => {
    expect(couponStatus({ ...open, promotion_id: null }, null, now)).toBe("pending")
    expect(couponStatus({ ...open, promotion_id: "promo_1" }, { used: 0, limit: 1 }, now)).toBe("active")
    expect(couponStatus({ ...open, promotion_id: null, expired_at: now }, null, now)).toBe("expired")
    expect(couponUseProblem({ ...open, code: "PTS-A", customer_id: "cus_1", promotion_id: null }, null, "cus_1", now)).toBe(
      "Coupon PTS-A is not ready yet: try again in a moment"
    )
  })

  it("settles only purchases older than any real run", () => {
    expect(unfinishedCouponCutoff(now)).toEqual(new Date("2026-12-06T11:45:00Z"))
  })

  it("finishes what was paid and promoted, refunds what was paid only, and removes a promotion nobody paid for", () => {
    expect(unfinishedCouponOutcome({ debited: true, promoted: true })).toBe("finish")
    expect(unfinishedCouponOutcome({ debited: true, promoted: false })).toBe("refund")
    expect(unfinishedCouponOutcome({ debited: false, promoted: true })).toBe("remove_promotion")
    expect(unfinishedCouponOutcome({ debited: false, promoted: false })).toBe("drop")
  })

  it("answers a replay with its coupon only when it is that request's and finished", () => {
    const finished = { reward_id: "r1", currency_code: "eur", promotion_id: "promo_1", deleted_at: null }
    const request = { reward_id: "r1", currency_code: "eur" }
    expect(couponReplayProblem(finished, request)).toBeNull()
    expect(couponReplayProblem(finished, { ...request, reward_id: "r2" })?.reason).toBe("mismatch")
    expect(couponReplayProblem(finished, { ...request, currency_code: "usd" })?.reason).toBe("mismatch")
    expect(couponReplayProblem({ ...finished, promotion_id: null, deleted_at: now }, request)?.reason).toBe("settled")
    expect(couponReplayProblem({ ...finished, promotion_id: null }, request)?.reason).toBe("running")
  })
})
