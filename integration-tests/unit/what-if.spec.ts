import { CampaignDefinition } from "../../src/lib/campaigns/rules"
import { orderEarning } from "../../src/lib/points/order-points"
import { rulesFromOptions } from "../../src/lib/points/program"
import { DEFAULT_TIER_SETTINGS, TierDefinition } from "../../src/lib/tiers/rules"
import { forwardInterval, forwardOf, ForwardModel } from "../../src/lib/what-if/forward"
import { proposedRules } from "../../src/lib/what-if/proposal"
import { DecimalSum } from "../../src/lib/what-if/decimal-sum"
import { campaignProposal } from "../../src/admin/lib/campaign-what-if"
import {
  AffectedCustomer,
  EarningMemo,
  keepMostAffected,
  pointsMoney,
  redeemable,
  ReplayContext,
  ReplayCustomer,
  replayCustomer,
  ReplayOrder,
  simulatedTier,
  tiersNeedSimulation,
  WhatIfRules,
} from "../../src/lib/what-if/replay"

const program = { ...rulesFromOptions({}), earn_rates: { eur: 1 }, point_values: { eur: 0.01 }, pending_days: 14, expiry_months: 12 }
const gold: TierDefinition = {
  id: "tier_gold",
  name: "Gold",
  rank: 1,
  metric: "points",
  threshold: 300,
  spend_thresholds: null,
  earn_multiplier: 2,
  perks: null,
  customer_group_id: null,
  bonus_points: 0,
}
const rules = (over: Partial<WhatIfRules> = {}): WhatIfRules => ({
  program,
  tiers: [],
  tier_settings: DEFAULT_TIER_SETTINGS,
  campaigns: [],
  earning_rules: [],
  ...over,
})
const line = (id: string, subtotal: string, discount = "0", extra: Partial<ReplayOrder["lines"][number]> = {}) => ({
  id,
  subtotal,
  discount_subtotal: discount,
  is_giftcard: false,
  product_id: "prod_1",
  collection_id: null,
  category_ids: [],
  ...extra,
})
const order = (id: string, at: string, lines: ReplayOrder["lines"], over: Partial<ReplayOrder> = {}): ReplayOrder => ({
  id,
  currency_code: "eur",
  created_at: new Date(at),
  total: "500",
  points_credit: "0",
  sales_channel_id: null,
  tier_id: null,
  lines,
  ...over,
})
const customer = (orders: ReplayOrder[], over: Partial<ReplayCustomer> = {}): ReplayCustomer => ({
  id: "cus_1",
  is_member: true,
  customer_group_ids: [],
  segments: [],
  redemption_ratio: 0,
  revenue: { eur: "1000" },
  awards_before: {},
  orders,
  ...over,
})
const ctx = (r: WhatIfRules, over: Partial<ReplayContext> = {}): ReplayContext => ({
  rules: r,
  tier_mode: "recorded",
  budgets: new Map(),
  to: new Date("2026-12-31T00:00:00Z"),
  memo: new EarningMemo(),
  ...over,
})

/** A live campaign with no targeting, window, budget or cap unless `over` sets them. */
const campaign = (over: Partial<CampaignDefinition>): CampaignDefinition => ({
  campaign_id: "camp_1",
  version: 1,
  name: "Double",
  type: "multiplier",
  value: 2,
  rates: null,
  min_order_amounts: null,
  stacking: "additive",
  stack_cap: null,
  priority: 0,
  status: "live",
  starts_at: null,
  ends_at: null,
  recurrence: null,
  time_zone: "UTC",
  tier_ids: [],
  customer_group_ids: [],
  segments: [],
  sales_channel_ids: [],
  product_ids: [],
  collection_ids: [],
  category_ids: [],
  budget_points: null,
  per_customer_cap: null,
  ...over,
})

describe("what-if replay", () => {
  it("earns what the earn workflow's own function awards, order by order", () => {
    const orders = [
      order("o1", "2026-02-01T10:00:00Z", [line("l1", "100.50"), line("l2", "40", "10.25")], { total: "160" }),
      order("o2", "2026-03-01T10:00:00Z", [line("l3", "99.99")], { total: "60", points_credit: "59.99" }),
      order("o3", "2026-04-01T10:00:00Z", [line("l4", "50", "0", { is_giftcard: true }), line("l5", "20")], { total: "70" }),
    ]
    const out = replayCustomer(customer(orders), ctx(rules()))
    const expected = orders
      .map(
        (o) =>
          orderEarning(
            {
              id: o.id,
              display_id: null,
              currency_code: "eur",
              status: "pending",
              created_at: o.created_at,
              customer_id: "cus_1",
              is_member: true,
              total: Number(o.total),
              items: o.lines,
              credit_lines: Number(o.points_credit) > 0 ? [{ amount: o.points_credit, reference: "loyalty-points" }] : [],
              cart_id: null,
            },
            program
          )!.points
      )
      .reduce((a, b) => a + b, 0)
    // 130 (100.50 + 29.75, floored) + 59 (99.99 × 60/119.99 … floored) + 20 (the gift card earns nothing).
    expect(out.issued).toBe(expected)
    expect(out.issued).toBe(130 + 49 + 20)
  })

  it("doubles the points of whole amounts when the earn rate doubles, and earns nothing for a guest", () => {
    const orders = [order("o1", "2026-02-01T10:00:00Z", [line("l1", "200")]), order("o2", "2026-02-02T10:00:00Z", [line("l2", "37")])]
    const now = replayCustomer(customer(orders), ctx(rules()))
    const then = replayCustomer(customer(orders), ctx(rules({ program: { ...program, earn_rates: { eur: 2 } } })))
    expect(now.issued).toBe(237)
    expect(then.issued).toBe(474)
    expect(replayCustomer(customer(orders, { is_member: false }), ctx(rules())).issued).toBe(0)
  })

  it("gives an order the same points from the memo as computed afresh", () => {
    const memo = new EarningMemo()
    const orders = [order("o1", "2026-02-01T10:00:00Z", [line("l1", "80")]), order("o2", "2026-02-02T10:00:00Z", [line("l2", "80")])]
    expect(replayCustomer(customer(orders), ctx(rules(), { memo })).issued).toBe(160)
    expect(replayCustomer(customer(orders), ctx(rules(), { memo })).issued).toBe(160)
  })

  it("multiplies by the tier recorded on the order, at the proposal's multiplier", () => {
    const orders = [order("o1", "2026-02-01T10:00:00Z", [line("l1", "100")], { tier_id: "tier_gold" })]
    expect(replayCustomer(customer(orders), ctx(rules({ tiers: [gold] }))).issued).toBe(200)
    expect(replayCustomer(customer(orders), ctx(rules({ tiers: [{ ...gold, earn_multiplier: 3 }] }))).issued).toBe(300)
  })

  it("simulates tiers from released activity when the proposal changes how they are reached", () => {
    const current = rules({ tiers: [gold] })
    const lower = rules({ tiers: [{ ...gold, threshold: 100 }] })
    expect(tiersNeedSimulation(current, current)).toBe(false)
    expect(tiersNeedSimulation(current, lower)).toBe(true)
    expect(tiersNeedSimulation(current, rules({ tiers: [gold], program: { ...program, earn_rates: { eur: 2 } } }))).toBe(true)
    const orders = [
      order("o1", "2026-01-01T10:00:00Z", [line("l1", "150")]),
      // Released on Jan 15: the second order (Feb) earns at Gold under the lower threshold.
      order("o2", "2026-02-01T10:00:00Z", [line("l2", "100")]),
    ]
    const out = replayCustomer(customer(orders), ctx(lower, { tier_mode: "simulated" }))
    expect(out.issued).toBe(150 + 200)
    expect(out.tier_id).toBe("tier_gold")
    expect(replayCustomer(customer(orders), ctx(current, { tier_mode: "simulated" })).tier_id).toBeNull()
    expect(simulatedTier([gold], DEFAULT_TIER_SETTINGS, [{ at: Date.parse("2026-01-15"), points: 300, spend: {} }], new Date("2026-06-01"))?.id).toBe("tier_gold")
    // A rolling 12-month tier is gone a year after the activity that reached it.
    expect(simulatedTier([gold], DEFAULT_TIER_SETTINGS, [{ at: Date.parse("2025-01-15"), points: 300, spend: {} }], new Date("2026-06-01"))).toBeNull()
  })

  it("redeems at the member's observed ratio within the redemption limits", () => {
    const limits = { min_redeem_points: 100, redeem_step: 50, max_redeem_share: 0.5, point_values: { eur: 0.01 } }
    expect(redeemable(1000, 0.37, limits, "eur", "10000")).toBe(350)
    // Below the minimum: nothing.
    expect(redeemable(200, 0.4, limits, "eur", "10000")).toBe(0)
    // At most half of 20 EUR spent, at 0.01 EUR a point: 1000 points.
    expect(redeemable(5000, 1, limits, "eur", "20")).toBe(1000)
  })

  it("expires the unredeemed part of lots whose expiry falls before the period's end", () => {
    const orders = [
      order("o1", "2025-06-01T10:00:00Z", [line("l1", "400")]),
      order("o2", "2026-06-01T10:00:00Z", [line("l2", "600")]),
    ]
    const out = replayCustomer(customer(orders, { redemption_ratio: 0.5 }), ctx(rules({ program: { ...program, min_redeem_points: 0 } })))
    // 1000 issued, 500 redeemed, the other 500 spread over both lots: the first lot's 40 % expired.
    expect(out.by_currency.eur).toEqual({ issued: 1000, redeemed: 500, expired: 200, outstanding: 300 })
    const never = replayCustomer(customer(orders, { redemption_ratio: 0.5 }), ctx(rules({ program: { ...program, min_redeem_points: 0, expiry_months: 0 } })))
    expect(never.by_currency.eur.expired).toBe(0)
  })

  it("holds campaign points within the budget left and the customer's cap", () => {
    const double = campaign({ budget_points: 150 })
    const orders = [order("o1", "2026-02-01T10:00:00Z", [line("l1", "100")]), order("o2", "2026-02-02T10:00:00Z", [line("l2", "100")])]
    const budgets = new Map([["camp_1", 150]])
    expect(replayCustomer(customer(orders), ctx(rules({ campaigns: [double] }), { budgets })).issued).toBe(200 + 150)
    expect(budgets.get("camp_1")).toBe(0)
    const capped = { ...double, budget_points: null, per_customer_cap: 120 }
    expect(replayCustomer(customer(orders, { awards_before: { camp_1: 50 } }), ctx(rules({ campaigns: [capped] }))).issued).toBe(200 + 70)
  })

  it("lists the most affected customers, largest change first", () => {
    const list: AffectedCustomer[] = []
    const c = (id: string, delta: number): AffectedCustomer => ({
      customer_id: id,
      current_points: 100,
      proposed_points: 100 + delta,
      delta,
      current_tier_id: null,
      proposed_tier_id: null,
    })
    for (const [id, delta] of [["a", 5], ["b", -50], ["c", 0], ["d", 20], ["e", 50]] as const) keepMostAffected(list, c(id, delta), 3)
    expect(list.map((x) => x.customer_id)).toEqual(["b", "e", "d"])
  })

  it("prices points in the currency's precision", () => {
    expect(pointsMoney(12345, 0.01, "eur")).toBe("123.45")
    expect(pointsMoney(12345, 0.5, "jpy")).toBe("6173")
  })

  it("builds the proposal's rules from the current ones", () => {
    const current = rules({ tiers: [gold] })
    const next = proposedRules(current, { program: { earn_rates: { eur: 3 } }, campaigns: [{ name: "Member day", type: "order_bonus", value: 25 }] }, "Europe/Berlin")
    expect(next.program).toMatchObject({ earn_rates: { eur: 3 }, point_values: { eur: 0.01 }, expiry_months: 12 })
    expect(next.tiers).toEqual([gold])
    expect(next.campaigns[0]).toMatchObject({ name: "Member day", status: "live", stacking: "best_wins", time_zone: "Europe/Berlin" })
  })
})

describe("what-if proposals of a campaign", () => {
  const saved = campaign({
    version: 2,
    name: "Weekend",
    stacking: "best_wins",
    starts_at: new Date("2026-01-01T00:00:00Z"),
    ends_at: new Date("2026-12-31T00:00:00Z"),
    budget_points: 1000,
  })

  it("keeps a campaign's saved terms where the proposal is silent, and clears those it sets to null", () => {
    const current = rules({ campaigns: [saved] })
    const next = proposedRules(current, { campaigns: [{ id: "camp_1", name: "Weekend", type: "multiplier", value: 3, ends_at: null, budget_points: null }] }, "UTC")
    expect(next.campaigns[0]).toMatchObject({ campaign_id: "camp_1", value: 3, ends_at: null, budget_points: null, starts_at: saved.starts_at })
  })

  it("sends the running campaigns with the edited one; a new draft runs, a future window is dropped", () => {
    const listed = [
      { id: "camp_1", name: "Weekend", type: "multiplier" as const, status: "live" as const },
      { id: "camp_2", name: "Old", type: "order_bonus" as const, status: "ended" as const },
    ]
    const now = new Date("2026-06-01T00:00:00Z")
    const created = campaignProposal(listed, { id: null, body: { name: "Summer", type: "multiplier", value: 2, status: "draft", starts_at: "2026-07-01T00:00:00.000Z", ends_at: "2026-08-01T00:00:00.000Z" } }, now)
    expect(created.body.campaigns).toEqual([
      { id: "camp_1", name: "Weekend", type: "multiplier" },
      { name: "Summer", type: "multiplier", value: 2, status: "live", starts_at: null, ends_at: null },
    ])
    expect(created.note).toMatch(/as if published.*as if it had run/)
    const edited = campaignProposal(listed, { id: "camp_1", body: { name: "Weekend", type: "multiplier", value: 4, status: "live" } }, now)
    expect(edited.body.campaigns).toEqual([{ id: "camp_1", name: "Weekend", type: "multiplier", value: 4, status: "live" }])
    expect(edited.note).toBeNull()
  })
})

describe("DecimalSum", () => {
  it("adds decimal strings exactly, whatever their scale", () => {
    const sum = new DecimalSum()
    for (const value of ["0.1", "0.2", "21.00840336134453781513", "-1.5", "100"]) sum.add(value)
    expect(sum.toString()).toBe("119.80840336134453781513")
    const cents = new DecimalSum()
    for (let i = 0; i < 1000; i++) cents.add("0.01")
    expect(cents.toString()).toBe("10")
    expect(new DecimalSum().toString()).toBe("0")
    const negative = new DecimalSum()
    negative.add("-0.25")
    expect(negative.toString()).toBe("-0.25")
    expect(() => new DecimalSum().add("1e5")).toThrow(/not a decimal/)
  })
})

describe("what-if forward view", () => {
  const model: ForwardModel = {
    bgnbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 },
    gamma_gamma: { p: 6.25, q: 3.74, gamma: 15.44 },
    log_standard_errors: [0.05, 0.08, 0.2, 0.25],
  }
  const sample = Array.from({ length: 50 }, (_, i) => ({ x: i % 5, tx: 10 + i, T: 60, m: 20 + i, valued_x: i % 5, current_rate: 1, proposed_rate: 2 }))

  it("projects spend and points under both rules from the fitted models", () => {
    const one = forwardOf(model, sample[3])
    expect(one.purchases).toBeGreaterThan(0)
    expect(one.proposed).toBeCloseTo(2 * one.current, 9)
  })

  it("states an interval around the estimate, the same on every run", () => {
    const band = forwardInterval(model, sample, 200)
    expect(band.low).toBeLessThan(1)
    expect(band.high).toBeGreaterThan(1)
    expect(forwardInterval(model, sample, 200)).toEqual(band)
    // Without standard errors, only the purchase counts' noise: ±1.645/√n.
    const poisson = forwardInterval({ ...model, log_standard_errors: null }, sample, 100)
    expect(poisson.high).toBeCloseTo(1.1645, 4)
  })
})
