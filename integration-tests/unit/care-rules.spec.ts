import {
  careRules,
  celebratedOn,
  FIRST_ORDER_CATCH_UP_DAYS,
  firstOrderBonusesDue,
  firstOrderCatchUpSince,
  isValidMonthDay,
  isValidReviewSignature,
  localYear,
  MEMBER_DAY_CATCH_UP_DAYS,
  memberDaysDue,
  messagesFor,
  periodStart,
  reviewSignature,
} from "../../src/lib/care/rules"

describe("member care rules", () => {
  it("celebrates 29 February birthdays on the 28th in years without one, and reads the day in the store's time zone", () => {
    expect(celebratedOn(new Date("2027-02-28T12:00:00Z"), "UTC")).toEqual([
      { month: 2, day: 28 },
      { month: 2, day: 29 },
    ])
    expect(celebratedOn(new Date("2028-02-28T12:00:00Z"), "UTC")).toEqual([{ month: 2, day: 28 }])
    expect(celebratedOn(new Date("2028-02-29T12:00:00Z"), "UTC")).toEqual([{ month: 2, day: 29 }])
    // 23:30 UTC on 14 March is already 15 March in Berlin.
    expect(celebratedOn(new Date("2027-03-14T23:30:00Z"), "Europe/Berlin")).toEqual([{ month: 3, day: 15 }])
    expect(localYear(new Date("2026-12-31T23:30:00Z"), "Europe/Berlin")).toBe(2027)
  })

  it("pays member days of the last week the daily pass did not reach, not before the action existed, across a clock change", () => {
    const iso = (days: { toISODate: () => string | null }[]) => days.map((day) => day.toISODate())
    // America/Denver moves to summer time on 14 March 2027: the run at 06:07 UTC on the 14th is still the 13th
    // there, the next one already the 15th; the 14th is paid by the catch-up.
    const runs = [new Date("2027-03-14T06:07:00Z"), new Date("2027-03-15T06:07:00Z")]
    expect(iso(memberDaysDue(runs[0], "America/Denver", null)).at(-1)).toBe("2027-03-13")
    expect(iso(memberDaysDue(runs[1], "America/Denver", null))).toContain("2027-03-14")
    expect(memberDaysDue(runs[1], "America/Denver", null)).toHaveLength(MEMBER_DAY_CATCH_UP_DAYS)
    // Over a year's end, oldest first; an action created two days ago pays from its day on.
    expect(iso(memberDaysDue(new Date("2028-01-02T06:07:00Z"), "Europe/Berlin", new Date("2027-12-31T08:00:00Z")))).toEqual([
      "2027-12-31",
      "2028-01-01",
      "2028-01-02",
    ])
  })

  it("looks for first-order bonuses no release paid over the last week's ended return windows, not before the action existed", () => {
    const now = new Date("2027-03-20T06:07:00Z")
    expect(FIRST_ORDER_CATCH_UP_DAYS).toBe(7)
    expect(firstOrderCatchUpSince(now, new Date("2026-01-01T00:00:00Z"))).toEqual(new Date("2027-03-13T06:07:00Z"))
    expect(firstOrderCatchUpSince(now, new Date("2027-03-18T09:00:00Z"))).toEqual(new Date("2027-03-18T09:00:00Z"))
  })

  it("pays a first-order bonus as a release would: for a customer's first kept order, released or earning 0, placed once the action existed, not paid yet, once, dated when its window ended", () => {
    const actionCreatedAt = new Date("2027-01-01T00:00:00Z")
    const at = (iso: string) => new Date(iso)
    const placed = at("2027-03-01T10:00:00Z")
    const first = new Map([
      ["cus_zero", { order_id: "order_z", created_at: placed }],
      ["cus_lost", { order_id: "order_r", created_at: placed }],
      ["cus_returned", { order_id: "order_t", created_at: placed }],
      ["cus_paid", { order_id: "order_p", created_at: placed }],
      ["cus_old", { order_id: "order_o", created_at: at("2026-12-31T23:00:00Z") }],
      ["cus_later", { order_id: "order_l1", created_at: placed }],
    ])
    const ended = [
      // A first kept order that earned 0 points (never released), twice (a second pending entry ends a second later).
      { customer_id: "cus_zero", order_id: "order_z", release_at: at("2027-03-15T10:00:01Z"), earned: 0, released: false },
      { customer_id: "cus_zero", order_id: "order_z", release_at: at("2027-03-15T10:00:00Z"), earned: 0, released: false },
      // Released (the release's event lost).
      { customer_id: "cus_lost", order_id: "order_r", release_at: at("2027-03-15T11:00:00Z"), earned: 100, released: true },
      // Earned, not released: all taken back before its window ended, or its release not run yet.
      { customer_id: "cus_returned", order_id: "order_t", release_at: at("2027-03-15T10:00:00Z"), earned: 100, released: false },
      // A later order of a customer whose first kept order is another one.
      { customer_id: "cus_later", order_id: "order_l2", release_at: at("2027-03-16T10:00:00Z"), earned: 0, released: false },
      // Paid already (by the release or an earlier pass).
      { customer_id: "cus_paid", order_id: "order_p", release_at: at("2027-03-15T10:00:00Z"), earned: 100, released: true },
      // Placed before the action existed.
      { customer_id: "cus_old", order_id: "order_o", release_at: at("2027-03-14T23:00:00Z"), earned: 100, released: true },
      // No kept order any more (canceled since).
      { customer_id: "cus_gone", order_id: "order_g", release_at: at("2027-03-15T10:00:00Z"), earned: 0, released: false },
    ]
    expect(firstOrderBonusesDue(ended, { first, paid: new Set(["cus_paid"]), action_created_at: actionCreatedAt })).toEqual([
      { customer_id: "cus_zero", order_id: "order_z", released_at: at("2027-03-15T10:00:00Z") },
      { customer_id: "cus_lost", order_id: "order_r", released_at: at("2027-03-15T11:00:00Z") },
    ])
    // An order placed the instant the action was created counts.
    const sameInstant = new Map([["cus_zero", { order_id: "order_z", created_at: actionCreatedAt }]])
    expect(firstOrderBonusesDue(ended.slice(0, 1), { first: sameInstant, paid: new Set(), action_created_at: actionCreatedAt })).toHaveLength(1)
    expect(firstOrderBonusesDue([], { first, paid: new Set(), action_created_at: actionCreatedAt })).toEqual([])
  })

  it("accepts real days of the year only", () => {
    expect(isValidMonthDay({ month: 2, day: 29 })).toBe(true)
    expect(isValidMonthDay({ month: 2, day: 30 })).toBe(false)
    expect(isValidMonthDay({ month: 13, day: 1 })).toBe(false)
    expect(isValidMonthDay({ month: 4, day: 31 })).toBe(false)
  })

  it("starts an action's limit period at the local calendar period (weeks on Monday), never for lifetime", () => {
    const at = new Date("2026-12-02T10:00:00Z") // a Wednesday
    expect(periodStart("day", at, "Europe/Berlin")!.toISOString()).toBe("2026-12-01T23:00:00.000Z")
    expect(periodStart("week", at, "Europe/Berlin")!.toISOString()).toBe("2026-11-29T23:00:00.000Z")
    expect(periodStart("month", at, "UTC")!.toISOString()).toBe("2026-12-01T00:00:00.000Z")
    expect(periodStart("year", at, "UTC")!.toISOString()).toBe("2026-01-01T00:00:00.000Z")
    expect(periodStart("lifetime", at, "UTC")).toBeNull()
  })

  it("verifies a review's signature in constant time and refuses any other", () => {
    const signature = reviewSignature("secret", "cus_1", "rev_1")
    expect(signature).toMatch(/^[0-9a-f]{64}$/)
    expect(isValidReviewSignature("secret", "cus_1", "rev_1", signature)).toBe(true)
    expect(isValidReviewSignature("secret", "cus_1", "rev_1", signature.toUpperCase())).toBe(true)
    expect(isValidReviewSignature("secret", "cus_2", "rev_1", signature)).toBe(false)
    expect(isValidReviewSignature("other", "cus_1", "rev_1", signature)).toBe(false)
    expect(isValidReviewSignature("secret", "cus_1", "rev_1", "")).toBe(false)
    expect(isValidReviewSignature("secret", "cus_1", "rev_1", "zz")).toBe(false)
  })

  it("turns each loyalty event into the messages its members get", () => {
    expect(messagesFor("loyalty.points.earned", { id: "lent_1", customer_id: "cus_1", points: 40 })).toEqual([
      {
        kind: "points-earned",
        customer_id: "cus_1",
        idempotency_key: "loyalty:points-earned:lent_1",
        data: { id: "lent_1", customer_id: "cus_1", points: 40, kind: "points-earned" },
      },
    ])
    // Zero points tell nobody anything; events the plugin does not notify about give nothing.
    expect(messagesFor("loyalty.points.earned", { id: "lent_1", customer_id: "cus_1", points: 0 })).toEqual([])
    expect(messagesFor("loyalty.points.adjusted", { id: "lent_1", customer_id: "cus_1", points: 5 })).toEqual([])
    // A birthday is a greeting; other actions are receipts.
    expect(messagesFor("loyalty.action.completed", { id: "lent_2", customer_id: "cus_1", action_code: "birthday", points: 200 })[0].kind).toBe("birthday-bonus")
    expect(messagesFor("loyalty.action.completed", { id: "lent_3", customer_id: "cus_1", action_code: "review", points: 30 })[0].kind).toBe("action-completed")
    // Expiry reminders are keyed by the lot.
    expect(messagesFor("loyalty.points.expiring", { lot_id: "llot_1", customer_id: "cus_1", points: 10 })[0].idempotency_key).toBe(
      "loyalty:points-expiring:llot_1"
    )
    // A tier about to drop: one message per member and period, keyed by the event's id.
    expect(
      messagesFor("loyalty.tier.expiring", { id: "ltmem_1:1800000000000", customer_id: "cus_1", tier: { name: "Gold" }, missing: 120 })
    ).toEqual([expect.objectContaining({ kind: "tier-expiring", customer_id: "cus_1", idempotency_key: "loyalty:tier-expiring:ltmem_1:1800000000000" })])
    // A referral reward tells each side its own points; a side paid nothing hears nothing.
    const referral = { id: "lref_1", referrer_id: "cus_a", referee_id: "cus_b", referrer_points: 300, referee_points: 0 }
    expect(messagesFor("loyalty.referral.rewarded", referral)).toEqual([
      expect.objectContaining({ customer_id: "cus_a", idempotency_key: "loyalty:referral-rewarded:lref_1:referrer", data: expect.objectContaining({ side: "referrer", points: 300 }) }),
    ])
  })

  it("defaults: UTC, 30 days for a birthday, reminders 14 days ahead, email with loyalty-<kind> templates", () => {
    const rules = careRules()
    expect(rules).toMatchObject({ time_zone: "UTC", birthday_min_days: 30, expiry_reminder_days: 14, tier_reminder_days: 30, review_secret: null })
    expect(rules.notifications).toMatchObject({ enabled: true, channel: "email" })
    expect(rules.notifications.kinds["points-expiring"]).toEqual({ enabled: true, channel: "email", template: "loyalty-points-expiring", customized: false })
    expect(careRules({ notifications: { templates: { "tier-changed": "tmpl_42" } } }).notifications.kinds["tier-changed"].template).toBe("tmpl_42")
  })

  it("gives each kind its template and channel: what staff saved, else the options' per kind, else the defaults; off everywhere when the options switch messages off", () => {
    const options = { notifications: { channel: "email", channels: { "points-expiring": "sms" }, templates: { "points-expiring": "expiring-v1" } } }
    const saved = [
      { kind: "points-expiring", enabled: true, template: null, channel: "push" },
      { kind: "points-earned", enabled: false, template: null, channel: null },
      { kind: "tier-changed", enabled: true, template: "tier-v2", channel: null },
    ]
    const { kinds } = careRules(options, saved).notifications
    expect(kinds["points-expiring"]).toEqual({ enabled: true, channel: "push", template: "expiring-v1", customized: true })
    expect(kinds["points-earned"]).toEqual({ enabled: false, channel: "email", template: "loyalty-points-earned", customized: true })
    expect(kinds["tier-changed"]).toEqual({ enabled: true, channel: "email", template: "tier-v2", customized: true })
    expect(careRules(options).notifications.kinds["points-expiring"]).toMatchObject({ channel: "sms", template: "expiring-v1", customized: false })
    const off = careRules({ notifications: { enabled: false } }, saved).notifications.kinds
    expect(Object.values(off).every((kind) => !kind.enabled)).toBe(true)
  })
})
