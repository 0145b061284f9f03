import { computeEarning } from "../../src/lib/points/earning"
import { orderEarning, OrderForPoints } from "../../src/lib/points/order-points"
import { rulesFromOptions } from "../../src/lib/points/program"
import {
  describeMetrics,
  describeThreshold,
  dropReminder,
  MembershipState,
  MembershipWrite,
  mergeWrites,
  passedTiers,
  sameState,
  stateOf,
  tierChange,
} from "../../src/lib/tiers/membership"
import {
  addMetricsSums,
  comingDrop,
  decideOnActivity,
  decideOnReview,
  earnMultiplier,
  keptUntil,
  nextPeriodEnd,
  progressToNext,
  qualificationWindow,
  qualifyingTier,
  releaseActivity,
  reviewDate,
  reviewWindowStart,
  settingsProblems,
  splitReleasePage,
  TierDefinition,
  TierSettings,
  tierValues,
  validateTierSet,
  windowExcludesStart,
} from "../../src/lib/tiers/rules"

const tier = (overrides: Partial<TierDefinition> & Pick<TierDefinition, "id" | "rank">): TierDefinition => ({
  name: overrides.id,
  metric: "points",
  threshold: 100 * overrides.rank,
  spend_thresholds: null,
  earn_multiplier: 1,
  perks: null,
  customer_group_id: null,
  bonus_points: 0,
  ...overrides,
})

const silver = tier({ id: "silver", rank: 1, threshold: 500, earn_multiplier: 1.25 })
const gold = tier({ id: "gold", rank: 2, threshold: 1000, earn_multiplier: 1.5 })
const platinum = tier({ id: "platinum", rank: 3, metric: "orders", threshold: 10, earn_multiplier: 2 })
const tiers = [silver, gold, platinum]

const rolling: TierSettings = { window: "rolling", window_months: 12, grace_days: 0 }
const calendar: TierSettings = { window: "calendar_year", window_months: 12, grace_days: 30 }
const lifetime: TierSettings = { window: "lifetime", window_months: 12, grace_days: 0 }

const at = (iso: string) => new Date(iso)
const metrics = (points: number, orders = 0, spend: Record<string, number> = {}) => ({ points, orders, spend })

describe("qualifyingTier", () => {
  it("picks the highest-ranked tier reached, whatever its metric", () => {
    expect(qualifyingTier(tiers, metrics(499))).toBeNull()
    expect(qualifyingTier(tiers, metrics(500))?.id).toBe("silver")
    expect(qualifyingTier(tiers, metrics(5000, 2))?.id).toBe("gold")
    // Platinum counts orders: 10 orders reach it even with few points.
    expect(qualifyingTier(tiers, metrics(10, 10))?.id).toBe("platinum")
  })

  it("reaches a spend tier in any one of its currencies", () => {
    const vip = tier({ id: "vip", rank: 1, metric: "spend", threshold: null, spend_thresholds: { eur: 500, usd: 550 } })
    expect(qualifyingTier([vip], metrics(0, 0, { eur: 499.99, usd: 549 }))).toBeNull()
    expect(qualifyingTier([vip], metrics(0, 0, { usd: 550 }))?.id).toBe("vip")
  })
})

describe("validateTierSet", () => {
  it("accepts thresholds that grow with rank", () => {
    expect(validateTierSet(tiers)).toEqual([])
  })

  it("names the tiers whose thresholds do not grow with rank", () => {
    expect(validateTierSet([silver, { ...gold, threshold: 500 }])).toEqual([
      'Thresholds must increase with rank: "gold" (rank 2) asks for 500 points, not more than "silver" (rank 1) with 500 points',
    ])
  })

  it("compares spend tiers per currency, and ignores tiers of another metric", () => {
    const spend = (id: string, rank: number, spend_thresholds: Record<string, number>) =>
      tier({ id, rank, metric: "spend", threshold: null, spend_thresholds })
    expect(validateTierSet([spend("a", 1, { eur: 500 }), { ...silver, rank: 2 }, spend("b", 3, { eur: 900, usd: 10 })])).toEqual([])
    expect(validateTierSet([spend("a", 1, { eur: 500, usd: 600 }), spend("b", 2, { eur: 900, usd: 600 })])).toEqual([
      'Thresholds must increase with rank: "b" (rank 2) asks for 600 USD, not more than "a" (rank 1) with 600 USD',
    ])
  })

  it("refuses duplicate ranks and names, wrong thresholds and multipliers", () => {
    const problems = validateTierSet([
      silver,
      { ...gold, rank: 1, name: "SILVER" },
      tier({ id: "x", rank: 3, threshold: 0 }),
      tier({ id: "y", rank: 4, metric: "spend", threshold: null, spend_thresholds: {} }),
      tier({ id: "z", rank: 5, threshold: 9000, earn_multiplier: 0.5 }),
    ])
    expect(problems).toEqual(
      expect.arrayContaining([
        'Two tiers are named "SILVER"',
        '"SILVER" and "silver" both have rank 1',
        '"x": threshold must be a whole number of points of 1 or more',
        '"y": a spend tier needs a threshold in at least one currency',
        '"z": earn_multiplier must be between 1 and 10',
      ])
    )
  })
})

describe("windows", () => {
  const now = at("2026-05-10T12:00:00Z")

  it("measures rolling, calendar and lifetime windows", () => {
    expect(qualificationWindow(rolling, now).start).toEqual(at("2025-05-10T12:00:00Z"))
    expect(qualificationWindow(calendar, now).start).toEqual(at("2026-01-01T00:00:00Z"))
    expect(qualificationWindow(lifetime, now).start).toBeNull()
  })

  it("keeps a tier N months (rolling), through next year (calendar) or for ever (lifetime)", () => {
    expect(keptUntil(rolling, now)).toEqual(at("2027-05-10T12:00:00Z"))
    expect(keptUntil(calendar, now)).toEqual(at("2028-01-01T00:00:00Z"))
    expect(keptUntil(lifetime, now)).toBeNull()
  })

  it("reviews after the grace days, over the period that just ended", () => {
    const until = at("2028-01-01T00:00:00Z")
    expect(reviewDate(calendar, until)).toEqual(at("2028-01-31T00:00:00Z"))
    expect(reviewWindowStart(calendar, until)).toEqual(at("2027-01-01T00:00:00Z"))
    expect(reviewWindowStart(rolling, at("2027-05-10T12:00:00Z"))).toEqual(at("2026-05-10T12:00:00Z"))
    expect(reviewDate(rolling, null)).toBeNull()
  })

  it("starts a rolling review window at the reach, never before it, on month-end dates too (N = 1, 6, 12)", () => {
    // Seen in review: reached 2026-08-31 on a 6-month window, kept until 2027-02-28 (clamped), and the review window
    // started at 2027-02-28 − 6 months = 2026-08-28: the activity that reached the tier counted again, keeping it a period more.
    for (const months of [1, 6, 12]) {
      const settings: TierSettings = { window: "rolling", window_months: months, grace_days: 0 }
      for (const reach of ["2026-01-31T10:00:00Z", "2026-08-31T10:00:00Z", "2028-02-29T10:00:00Z"].map(at)) {
        const until = keptUntil(settings, reach)!
        // `qualified_at` is the reach, as an upgrade or a hold writes it with `qualified_until`.
        expect({ months, reach, start: reviewWindowStart(settings, until, reach) }).toEqual({ months, reach, start: reach })
      }
    }
    // A period a review started (qualified_at is the older reach) runs N months back from its end.
    expect(reviewWindowStart(rolling, at("2027-05-10T12:00:00Z"), at("2025-02-01T00:00:00Z"))).toEqual(at("2026-05-10T12:00:00Z"))
  })

  it("starts the next period after now, counted in whole periods from the last end", () => {
    expect(nextPeriodEnd(rolling, at("2027-01-31T00:00:00Z"), at("2027-02-01T00:00:00Z"))).toEqual(
      at("2028-01-31T00:00:00Z")
    )
    // A job that was down for two years still lands on the period grid, in the future.
    expect(nextPeriodEnd(rolling, at("2027-01-31T00:00:00Z"), at("2029-03-01T00:00:00Z"))).toEqual(
      at("2030-01-31T00:00:00Z")
    )
    expect(nextPeriodEnd(calendar, at("2028-01-01T00:00:00Z"), at("2028-01-31T00:00:00Z"))).toEqual(
      at("2029-01-01T00:00:00Z")
    )
  })
})

describe("decisions", () => {
  const now = at("2026-05-10T12:00:00Z")

  it("upgrades at once, and never downgrades on activity", () => {
    expect(decideOnActivity({ tiers, earned: null, qualified_until: null, metrics: metrics(600), settings: rolling, now })).toEqual({
      kind: "upgrade",
      tier: silver,
      qualified_until: at("2027-05-10T12:00:00Z"),
    })
    expect(
      decideOnActivity({ tiers, earned: gold, qualified_until: at("2026-12-01T00:00:00Z"), metrics: metrics(600), settings: rolling, now })
    ).toBeNull()
  })

  it("keeps the current tier longer when it is reached again", () => {
    expect(
      decideOnActivity({ tiers, earned: gold, qualified_until: at("2026-12-01T00:00:00Z"), metrics: metrics(1200), settings: rolling, now })
    ).toEqual({ kind: "extend", qualified_until: at("2027-05-10T12:00:00Z") })
    // Lifetime tiers are kept for ever already.
    expect(decideOnActivity({ tiers, earned: gold, qualified_until: null, metrics: metrics(1200), settings: lifetime, now })).toBeNull()
  })

  it("reviews down to the tier still reached, or none", () => {
    const until = at("2026-05-01T00:00:00Z")
    expect(decideOnReview({ tiers, metrics: metrics(700), settings: rolling, qualified_until: until, now })).toEqual({
      tier: silver,
      qualified_until: at("2027-05-01T00:00:00Z"),
    })
    expect(decideOnReview({ tiers, metrics: metrics(10), settings: rolling, qualified_until: until, now })).toEqual({
      tier: null,
      qualified_until: null,
    })
  })
})

describe("progressToNext", () => {
  const now = at("2026-05-10T12:00:00Z")

  it("says what is missing for the next tier, and by when", () => {
    expect(
      progressToNext({ tiers, current: silver, metrics: metrics(640), settings: rolling, now, oldest_activity_at: at("2026-01-15T00:00:00Z") })
    ).toEqual({
      tier: { id: "gold", name: "gold", rank: 2, metric: "points" },
      metric: "points",
      currency_code: null,
      current: 640,
      target: 1000,
      missing: 360,
      by: at("2027-01-15T00:00:00Z"),
    })
    expect(
      progressToNext({ tiers, current: null, metrics: metrics(0), settings: calendar, now, oldest_activity_at: null })
    ).toMatchObject({ tier: { id: "silver" }, missing: 500, by: at("2027-01-01T00:00:00Z") })
    expect(progressToNext({ tiers, current: platinum, metrics: metrics(0), settings: rolling, now, oldest_activity_at: null })).toBeNull()
  })

  it("measures spend in the currency the customer is closest in", () => {
    const vip = tier({ id: "vip", rank: 1, metric: "spend", threshold: null, spend_thresholds: { eur: 500, usd: 1000 } })
    expect(
      progressToNext({ tiers: [vip], current: null, metrics: metrics(0, 0, { eur: 100, usd: 800 }), settings: lifetime, now, oldest_activity_at: null })
    ).toMatchObject({ currency_code: "usd", current: 800, target: 1000, missing: 200, by: null })
  })
})

describe("comingDrop", () => {
  it("warns when the period's activity so far reaches a lower tier or none, and not when it keeps the tier", () => {
    // A Gold member (1000 points) with 640 points in the period so far would keep Silver at the review.
    expect(comingDrop({ tiers, earned: gold, metrics: metrics(640) })).toEqual({ keeps: silver })
    expect(comingDrop({ tiers, earned: silver, metrics: metrics(120) })).toEqual({ keeps: null })
    // Enough to keep it, or a higher tier's worth (the upgrade is the activity's business): no warning.
    expect(comingDrop({ tiers, earned: gold, metrics: metrics(1000) })).toBeNull()
    expect(comingDrop({ tiers, earned: silver, metrics: metrics(0, 10) })).toBeNull()
  })

  it("words the warning: what drops when, what is kept, and what is missing", () => {
    const until = at("2026-12-31T00:00:00Z")
    const warn = (earned: TierDefinition, points: number) =>
      dropReminder({ membership_id: "ltmem_1", customer_id: "cus_1", settings: calendar, tiers, earned, qualified_until: until, metrics: metrics(points) })
    expect(warn(gold, 640)).toEqual({
      id: `ltmem_1:${until.getTime()}`,
      customer_id: "cus_1",
      tier: { id: "gold", name: "gold", rank: 2 },
      keeps: { id: "silver", name: "silver", rank: 1 },
      qualified_until: "2026-12-31T00:00:00.000Z",
      // Reviewed after the 30 grace days.
      drops_at: "2027-01-30T00:00:00.000Z",
      metric: "points",
      currency_code: null,
      current: 640,
      target: 1000,
      missing: 360,
    })
    expect(warn(silver, 120)).toMatchObject({ keeps: null, missing: 380 })
    expect(warn(gold, 1000)).toBeNull()
  })
})

describe("earning with a tier", () => {
  it("multiplies earnings exactly and floors once", () => {
    expect(earnMultiplier(null)).toBe(1)
    expect(earnMultiplier(gold)).toBe(1.5)
    // 2 × 100 EUR at 1 point per EUR, Gold (1.5×): 300 points, not 200 + rounding.
    const gold200 = computeEarning({ items: [{ subtotal: 200 }], total: 249.9, rate: 1, multiplier: earnMultiplier(gold) })
    expect(gold200).toMatchObject({ points: 300, multiplier: 1.5 })
    // 33.33 EUR × 1.25 = 41.66 → 41
    expect(computeEarning({ items: [{ subtotal: 33.33 }], total: 33.33, rate: 1, multiplier: 1.25 }).points).toBe(41)
  })

  it("names the tier in the order's entry and keeps it in the details", () => {
    const order: OrderForPoints = {
      id: "order_1",
      display_id: 12,
      currency_code: "eur",
      status: "pending",
      created_at: new Date("2026-01-01T10:00:00Z"),
      customer_id: "cus_1",
      is_member: true,
      total: 238,
      items: [{ subtotal: 200 }],
      credit_lines: [],
      cart_id: null,
    }
    const rules = rulesFromOptions({ earnRates: { eur: 1 } })
    const earning = orderEarning(order, rules, { id: "gold", name: "Gold", earn_multiplier: 1.5 })!
    expect(earning).toMatchObject({ points: 300, reason: "Order #12: 200 EUR × 1 × 1.5 (Gold)" })
    expect(earning.details).toMatchObject({ multiplier: 1.5, tier_id: "gold", tier_name: "Gold" })
    // A tier with no bonus multiplier reads like no tier.
    expect(orderEarning(order, rules, { id: "basic", name: "Basic", earn_multiplier: 1 })!.reason).toBe("Order #12: 200 EUR × 1")
  })

  it("writes the order's amount in the reason as the currency writes it, not with the fraction of a cent a discount left", () => {
    // Seen in the demo's ledger: "Order #130: 13.6556 EUR × 1 × 1.5 (Gold)". The points still come from the exact amount.
    const order: OrderForPoints = {
      id: "order_2",
      display_id: 130,
      currency_code: "eur",
      status: "pending",
      created_at: new Date("2026-01-01T10:00:00Z"),
      customer_id: "cus_1",
      is_member: true,
      total: 13.6556,
      items: [{ subtotal: 13.6556 }],
      credit_lines: [],
      cart_id: null,
    }
    const gold = { id: "gold", name: "Gold", earn_multiplier: 1.5 }
    const eur = orderEarning(order, rulesFromOptions({ earnRates: { eur: 1 } }), gold)!
    expect(eur).toMatchObject({ points: 20, reason: "Order #130: 13.66 EUR × 1 × 1.5 (Gold)" })
    expect(eur.details).toMatchObject({ eligible_amount: 13.6556 })
    const yen = { ...order, currency_code: "jpy", total: 1234.5, items: [{ subtotal: 1234.5 }] }
    expect(orderEarning(yen, rulesFromOptions({ earnRates: { jpy: 0.01 } }), gold)!.reason).toBe(
      "Order #130: 1235 JPY × 0.01 × 1.5 (Gold)"
    )
  })

  it("counts released points without the multiplier, and spend scaled to what was released", () => {
    expect(releaseActivity({ released_points: 300, earned_points: 300, eligible_amount: 200, multiplier: 1.5 })).toEqual({
      points: 200,
      amount: 200,
      orders: 1,
    })
    // 30 % refunded before release: 70 % of the spend counts.
    expect(releaseActivity({ released_points: 140, earned_points: 200, eligible_amount: 200, multiplier: 1 })).toEqual({
      points: 140,
      amount: 140,
      orders: 1,
    })
    expect(releaseActivity({ released_points: 0, earned_points: 200, eligible_amount: 200, multiplier: 1 }).orders).toBe(0)
  })
})

describe("stored tier values and settings", () => {
  it("clears the field of the other metric, trims and defaults what staff left out", () => {
    expect(
      tierValues({ name: "  Gold ", rank: 2, metric: "spend", threshold: 5, spend_thresholds: { EUR: 500 }, perks: " ", customer_group_id: "" })
    ).toEqual({
      name: "Gold",
      rank: 2,
      metric: "spend",
      threshold: null,
      spend_thresholds: { eur: 500 },
      earn_multiplier: 1,
      perks: null,
      customer_group_id: null,
      bonus_points: 0,
      metadata: null,
    })
    expect(tierValues({ name: "Silver", rank: 1, metric: "points", threshold: 500, spend_thresholds: { eur: 1 }, earn_multiplier: 1.25 })).toMatchObject({
      threshold: 500,
      spend_thresholds: null,
      earn_multiplier: 1.25,
    })
  })

  it("names every problem of a settings change, and none of good settings", () => {
    expect(settingsProblems(rolling)).toEqual([])
    expect(settingsProblems({ window: "weekly" as TierSettings["window"], window_months: 0, grace_days: -1 })).toEqual([
      "window must be rolling, calendar_year or lifetime",
      expect.stringMatching(/^window_months must be a whole number from 1 to \d+$/),
      expect.stringMatching(/^grace_days must be a whole number from 0 to \d+$/),
    ])
    expect(settingsProblems({ ...rolling, window_months: 1.5 })).toHaveLength(1)
  })

  it("leaves a rolling window's start out, and a calendar or lifetime window's in", () => {
    expect(windowExcludesStart(rolling)).toBe(true)
    expect(windowExcludesStart(calendar)).toBe(false)
    expect(windowExcludesStart(lifetime)).toBe(false)
  })

  it("adds a customer's per-currency sums as Postgres returns them (text), spend kept to 4 decimals", () => {
    const sums = { points: 0, orders: 0, spend: {} }
    addMetricsSums(sums, { currency_code: "eur", points: "120", orders: "2", amount: "0.1" })
    addMetricsSums(sums, { currency_code: "eur", points: 30, orders: 1, amount: "0.2" })
    addMetricsSums(sums, { currency_code: "usd", points: "0", orders: "1", amount: "12.5" })
    addMetricsSums(sums, { currency_code: null, points: "5", orders: "0", amount: "0" })
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    expect(sums).toEqual({ points: 155, orders: 4, spend: { eur: 0.3, usd: 12.5 } })
  })
})

describe("membership writes", () => {
  const state = (tier_id: string | null, until: string | null = null): MembershipState => ({
    tier_id,
    earned_tier_id: tier_id,
    qualified_at: null,
    qualified_until: until ? at(until) : null,
    override_id: null,
  })
  const ref = (t: TierDefinition) => ({ id: t.id, name: t.name, rank: t.rank, customer_group_id: t.customer_group_id, bonus_points: t.bonus_points })
  const change = (from: TierDefinition | null, to: TierDefinition | null, reason: "qualified" | "review" | "override") =>
    tierChange({ history_id: "h", customer_id: "c", from: from && ref(from), to: to && ref(to), reason, note: "n", qualified_until: null })
  const jumpInput = (ladder: TierDefinition[], to: ReturnType<typeof ref>) => ({
    history_id: "h",
    customer_id: "c",
    from: null,
    to,
    passed: passedTiers(ladder, null, to),
    note: "n",
    qualified_until: null,
  })

  it("compares states by value, dates as instants (a row's text or a Date)", () => {
    const row = { ...state("gold"), qualified_until: "2027-01-01T00:00:00.000Z" as unknown as Date }
    expect(stateOf(row).qualified_until).toEqual(at("2027-01-01T00:00:00Z"))
    expect(sameState(stateOf(row), state("gold", "2027-01-01T00:00:00Z"))).toBe(true)
    expect(sameState(state("gold", "2027-01-01T00:00:00Z"), state("gold", "2027-01-02T00:00:00Z"))).toBe(false)
    expect(sameState(state("gold"), state("silver"))).toBe(false)
  })

  it("merges a decision's writes from the first before to the last after, every change in order", () => {
    const first: MembershipWrite = { customer_id: "c", before: state("gold"), after: state(null), changes: [change(gold, null, "override")], bonuses: [], ended_override_ids: ["o1"] }
    const second: MembershipWrite = { customer_id: "c", before: state(null), after: state("silver"), changes: [change(null, silver, "qualified")], bonuses: [], created_override_id: "o2" }
    expect(mergeWrites("c", [first, second])).toEqual({
      customer_id: "c",
      before: state("gold"),
      after: state("silver"),
      changes: [...first.changes, ...second.changes],
      bonuses: [],
      created_override_id: "o2",
      ended_override_ids: ["o1"],
    })
    expect(mergeWrites("c", [])).toEqual({ customer_id: "c", before: state(null), after: state(null), changes: [], bonuses: [] })
  })

  it("gives the bonus only for a tier reached by activity, going up", () => {
    const bonusGold = { ...gold, bonus_points: 100, customer_group_id: "cg_gold" }
    expect(change(silver, bonusGold, "qualified")).toMatchObject({
      from: { id: "silver", name: "silver", rank: 1 },
      to: { id: "gold", name: "gold", rank: 2 },
      direction: "up",
      from_group_id: null,
      to_group_id: "cg_gold",
      bonus_points: 100,
    })
    expect(change(null, bonusGold, "review").bonus_points).toBe(100)
    expect(change(silver, bonusGold, "override").bonus_points).toBe(0)
    expect(change(bonusGold, silver, "review")).toMatchObject({ direction: "down", bonus_points: 0 })
  })

  it("pays the bonus of every tier a move up passes, so a jump pays what the steps would (a lower tier's bonus is never skipped)", () => {
    // Seen by reading the code: two releases counted before either was evaluated (two workers on the Redis
    // event bus) moved a member straight to Gold and paid Gold's bonus only; counted one by one, Silver's too.
    const ladder = [{ ...gold, bonus_points: 100 }, { ...platinum, bonus_points: 500 }, { ...silver, bonus_points: 20 }]
    const [bonusGold, bonusPlatinum, bonusSilver] = ladder.map(ref)
    expect(passedTiers(ladder, null, bonusPlatinum).map((t) => t.id)).toEqual(["silver", "gold"])
    expect(passedTiers(ladder, bonusSilver, bonusGold)).toEqual([])
    expect(passedTiers(ladder, bonusPlatinum, bonusSilver)).toEqual([])

    const jump = tierChange({ ...jumpInput(ladder, bonusPlatinum), reason: "qualified" })
    expect(jump.bonuses).toEqual([
      { tier: { id: "silver", name: "silver", rank: 1 }, points: 20 },
      { tier: { id: "gold", name: "gold", rank: 2 }, points: 100 },
      { tier: { id: "platinum", name: "platinum", rank: 3 }, points: 500 },
    ])
    expect(jump.bonus_points).toBe(620)
    const steps = [
      tierChange({ history_id: "h1", customer_id: "c", from: null, to: bonusSilver, passed: [], reason: "qualified", note: "n", qualified_until: null }),
      tierChange({ history_id: "h2", customer_id: "c", from: bonusSilver, to: bonusPlatinum, passed: passedTiers(ladder, bonusSilver, bonusPlatinum), reason: "review", note: "n", qualified_until: null }),
    ]
    expect(steps.flatMap((step) => step.bonuses)).toEqual(jump.bonuses)
    // Overrides and moves down pay nothing, passed tiers included.
    expect(tierChange({ ...jumpInput(ladder, bonusPlatinum), reason: "override" }).bonuses).toEqual([])
  })

  it("words the history's notes", () => {
    const spend = tier({ id: "vip", rank: 4, metric: "spend", threshold: null, spend_thresholds: { eur: 500, usd: 550 } })
    expect(describeThreshold(gold)).toBe("1000 points")
    expect(describeThreshold(spend)).toBe("500 EUR or 550 USD")
    expect(describeMetrics(gold, metrics(1200))).toBe("1200 points of 1000")
    expect(describeMetrics(platinum, metrics(0, 3))).toBe("3 orders of 10")
    expect(describeMetrics(spend, metrics(0, 0, { eur: 520 }))).toBe("520 EUR of 500, 0 USD of 550")
  })
})

describe("splitReleasePage: which releases of a page are counted together (issue 15)", () => {
  const release = (id: string, customer_id: string) => ({ id, customer_id })
  it("counts a customer's one release with the page, and a customer's several one at a time, in the page's order", () => {
    const page = [release("r1", "a"), release("r2", "b"), release("r3", "a"), release("r4", "c"), release("r4", "c")]
    expect(splitReleasePage(page)).toEqual({
      page: [release("r2", "b"), release("r4", "c"), release("r4", "c")],
      one_by_one: [release("r1", "a"), release("r3", "a")],
    })
  })
  it("an empty page has nothing either way", () => {
    expect(splitReleasePage([])).toEqual({ page: [], one_by_one: [] })
  })
})
