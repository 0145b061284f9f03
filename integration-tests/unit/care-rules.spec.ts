import {
  careRules,
  celebratedOn,
  FIRST_ORDER_CATCH_UP_DAYS,
  firstKeptOrder,
  firstOrderBonusesDue,
  firstOrderCatchUpSince,
  isFirstOrderBonusDue,
  isKeptOrder,
  isSettledWindow,
  isValidMonthDay,
  isValidReviewSignature,
  localYear,
  MEMBER_DAY_CATCH_UP_DAYS,
  memberDaysDue,
  messagesFor,
  periodStart,
  reviewSignature,
  type OrderForFirstOrder,
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

  /** One of a customer's orders: one unit, nothing returned, placed at `iso`. */
  const order = (order_id: string, iso: string, more: Partial<OrderForFirstOrder> = {}): OrderForFirstOrder => ({
    order_id,
    status: "pending",
    created_at: new Date(iso),
    quantity: 1,
    returned_quantity: 0,
    ...more,
  })

  it("keeps an order that is neither canceled, a draft, nor sent back in full; a partly returned or completed order is kept", () => {
    expect(isKeptOrder(order("o", "2027-03-01T10:00:00Z"))).toBe(true)
    expect(isKeptOrder(order("o", "2027-03-01T10:00:00Z", { status: "completed", quantity: 3, returned_quantity: 2 }))).toBe(true)
    expect(isKeptOrder(order("o", "2027-03-01T10:00:00Z", { status: "canceled" }))).toBe(false)
    expect(isKeptOrder(order("o", "2027-03-01T10:00:00Z", { status: "draft" }))).toBe(false)
    expect(isKeptOrder(order("o", "2027-03-01T10:00:00Z", { quantity: 2, returned_quantity: 2 }))).toBe(false)
    // Every item edited away: nothing kept.
    expect(isKeptOrder(order("o", "2027-03-01T10:00:00Z", { quantity: 0 }))).toBe(false)
  })

  it("finds the first kept order by when it was placed, then id, past canceled and fully returned ones", () => {
    const orders = [
      order("order_c", "2027-03-03T10:00:00Z"),
      order("order_returned", "2027-03-01T10:00:00Z", { quantity: 2, returned_quantity: 2 }),
      order("order_canceled", "2027-03-01T09:00:00Z", { status: "canceled" }),
      order("order_b", "2027-03-02T10:00:00Z"),
      order("order_a", "2027-03-02T10:00:00Z"),
    ]
    expect(firstKeptOrder(orders)?.order_id).toBe("order_a")
    expect(firstKeptOrder(orders.slice(1, 3))).toBeNull()
    expect(firstKeptOrder([])).toBeNull()
  })

  it("pays the first-order bonus for the first kept order once its window settled, only when placed once the action existed (release and daily pass alike)", () => {
    const actionCreatedAt = new Date("2027-01-01T00:00:00Z")
    const returned = order("order_1", "2027-02-01T10:00:00Z", { quantity: 1, returned_quantity: 1 })
    const kept = order("order_2", "2027-02-10T10:00:00Z")
    const settled = (order_id: string) => ({ order_id, settled: true })
    // The first order came back in full: the second is the first kept one.
    expect(isFirstOrderBonusDue(settled("order_2"), [returned, kept], actionCreatedAt)).toBe(true)
    expect(isFirstOrderBonusDue(settled("order_1"), [returned, kept], actionCreatedAt)).toBe(false)
    // Not before its window settled (points still pending, or all taken back in it).
    expect(isFirstOrderBonusDue({ order_id: "order_2", settled: false }, [returned, kept], actionCreatedAt)).toBe(false)
    // A kept earlier order wins; a first kept order placed before the action pays nothing, nor does a later one.
    const earlier = order("order_0", "2027-01-20T10:00:00Z", { status: "completed" })
    expect(isFirstOrderBonusDue(settled("order_2"), [earlier, returned, kept], actionCreatedAt)).toBe(false)
    const beforeAction = order("order_old", "2026-12-31T23:59:59Z")
    expect(isFirstOrderBonusDue(settled("order_old"), [beforeAction, kept], actionCreatedAt)).toBe(false)
    expect(isFirstOrderBonusDue(settled("order_2"), [beforeAction, kept], actionCreatedAt)).toBe(false)
    // An order placed the instant the action was created counts.
    expect(isFirstOrderBonusDue(settled("order_now"), [order("order_now", "2027-01-01T00:00:00Z")], actionCreatedAt)).toBe(true)
    // Dates as the workflow engine stores them (ISO strings) read the same.
    const stored: OrderForFirstOrder[] = JSON.parse(JSON.stringify([returned, kept]))
    expect(isFirstOrderBonusDue(settled("order_2"), stored, actionCreatedAt)).toBe(true)
  })

  it("settles a return window for the first-order rule when its points were released or it earned none", () => {
    expect(isSettledWindow({ released: true, earned: 100 })).toBe(true)
    expect(isSettledWindow({ released: false, earned: 0 })).toBe(true)
    expect(isSettledWindow({ released: false, earned: 100 })).toBe(false)
  })

  it("pays a first-order bonus as a release would: for a customer's first kept order, released or earning 0, placed once the action existed, not paid yet, once, dated when its window ended", () => {
    const actionCreatedAt = new Date("2027-01-01T00:00:00Z")
    const at = (iso: string) => new Date(iso)
    const placed = "2027-03-01T10:00:00Z"
    const orders: Record<string, OrderForFirstOrder[]> = {
      cus_zero: [order("order_z", placed)],
      cus_lost: [order("order_r", placed)],
      cus_returned: [order("order_t", placed)],
      cus_paid: [order("order_p", placed)],
      cus_old: [order("order_o", "2026-12-31T23:00:00Z")],
      cus_later: [order("order_l1", placed), order("order_l2", "2027-03-02T10:00:00Z")],
      // The first order came back in full: the second, released, is the first kept one.
      cus_sent_back: [order("order_s1", placed, { returned_quantity: 1 }), order("order_s2", "2027-03-02T10:00:00Z")],
      cus_gone: [order("order_g", placed, { status: "canceled" })],
    }
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
      // The returned first order (all taken back, not released), then the kept second one, released.
      { customer_id: "cus_sent_back", order_id: "order_s1", release_at: at("2027-03-15T10:00:00Z"), earned: 100, released: false },
      { customer_id: "cus_sent_back", order_id: "order_s2", release_at: at("2027-03-16T10:00:00Z"), earned: 100, released: true },
      // No kept order any more (canceled since).
      { customer_id: "cus_gone", order_id: "order_g", release_at: at("2027-03-15T10:00:00Z"), earned: 0, released: false },
      // A customer whose orders were not read (none left).
      { customer_id: "cus_unknown", order_id: "order_u", release_at: at("2027-03-15T10:00:00Z"), earned: 0, released: false },
    ]
    expect(firstOrderBonusesDue(ended, { orders, paid: new Set(["cus_paid"]), action_created_at: actionCreatedAt })).toEqual([
      { customer_id: "cus_zero", order_id: "order_z", released_at: at("2027-03-15T10:00:00Z") },
      { customer_id: "cus_lost", order_id: "order_r", released_at: at("2027-03-15T11:00:00Z") },
      { customer_id: "cus_sent_back", order_id: "order_s2", released_at: at("2027-03-16T10:00:00Z") },
    ])
    expect(firstOrderBonusesDue([], { orders, paid: new Set(), action_created_at: actionCreatedAt })).toEqual([])
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
