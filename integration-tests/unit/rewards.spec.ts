import { cartPromotionCodes, couponUseProblem } from "../../src/lib/rewards/rules"

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
