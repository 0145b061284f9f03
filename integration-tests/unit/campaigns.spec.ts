import {
  ApplicableCampaign,
  campaignMismatch,
  campaignPointsNow,
  CampaignDefinition,
  changesTerms,
  coversLine,
  effectiveStatus,
  lineFactor,
  planCampaigns,
  targetingOf,
  termsProblems,
} from "../../src/lib/campaigns/rules"
import { campaignCost } from "../../src/lib/campaigns/cost"
import { awardWithin, campaignResultsOf, pointsLeft } from "../../src/lib/campaigns/awards"
import { ItemNow, orderEarning, OrderForPoints, orderMoney, orderPointsTargets, withCampaignAwards } from "../../src/lib/points/order-points"
import { rulesFromOptions } from "../../src/lib/points/program"
import { CampaignSchedule, nextOccurrences, runsAt, scheduleProblems } from "../../src/lib/campaigns/schedule"

const memberDay = (zone: string, days = [8]): CampaignSchedule => ({
  starts_at: null,
  ends_at: null,
  recurrence: { kind: "monthly", days },
  time_zone: zone,
})

describe("campaign schedule in the store's time zone", () => {
  it("a monthly member day runs from 00:00 to 23:59:59.999 local time, not UTC", () => {
    const berlin = memberDay("Europe/Berlin")
    // Berlin is UTC+1 in January: the 8th is 2026-01-07T23:00Z .. 2026-01-08T23:00Z.
    expect(runsAt(berlin, "2026-01-07T22:59:00Z")).toBe(false) // 7th, 23:59 local
    expect(runsAt(berlin, "2026-01-07T23:01:00Z")).toBe(true) // 8th, 00:01 local
    expect(runsAt(berlin, "2026-01-08T22:59:00Z")).toBe(true) // 8th, 23:59 local
    expect(runsAt(berlin, "2026-01-08T23:01:00Z")).toBe(false) // 9th, 00:01 local
    // The same instants read in UTC fall on other days.
    expect(runsAt(memberDay("UTC"), "2026-01-07T23:01:00Z")).toBe(false)
    expect(runsAt(memberDay("UTC"), "2026-01-08T23:01:00Z")).toBe(true)
  })

  it("follows daylight saving time: a summer member day starts at 22:00 UTC the day before", () => {
    const berlin = memberDay("Europe/Berlin")
    expect(runsAt(berlin, "2026-07-07T21:59:00Z")).toBe(false)
    expect(runsAt(berlin, "2026-07-07T22:01:00Z")).toBe(true)
    expect(runsAt(berlin, "2026-07-08T21:59:00Z")).toBe(true)
    expect(runsAt(berlin, "2026-07-08T22:00:00Z")).toBe(false)
  })

  it("a member day on a DST change day is that local day, 23 or 25 hours long", () => {
    // Europe/Berlin: 2026-03-29 (clocks forward) and 2026-10-25 (clocks back).
    const spring = nextOccurrences(memberDay("Europe/Berlin", [29]), "2026-03-01T00:00:00Z", 1)[0]
    expect(spring.starts_at.toISOString()).toBe("2026-03-28T23:00:00.000Z")
    expect(spring.ends_at.toISOString()).toBe("2026-03-29T22:00:00.000Z")
    const autumn = nextOccurrences(memberDay("Europe/Berlin", [25]), "2026-10-01T00:00:00Z", 1)[0]
    expect(autumn.starts_at.toISOString()).toBe("2026-10-24T22:00:00.000Z")
    expect(autumn.ends_at.toISOString()).toBe("2026-10-25T23:00:00.000Z")
    // New York's spring change: 2026-03-08 has 23 hours.
    const ny = nextOccurrences(memberDay("America/New_York", [8]), "2026-03-01T00:00:00Z", 1)[0]
    expect(ny.ends_at.getTime() - ny.starts_at.getTime()).toBe(23 * 3600_000)
  })

  it("weekdays and yearly dates; days a month lacks are skipped", () => {
    const weekends: CampaignSchedule = {
      starts_at: null,
      ends_at: null,
      recurrence: { kind: "weekly", weekdays: [6, 7] },
      time_zone: "Asia/Tokyo",
    }
    // Friday 2026-01-09 23:30 in Tokyo is 14:30Z; Saturday 00:30 Tokyo is 15:30Z.
    expect(runsAt(weekends, "2026-01-09T14:30:00Z")).toBe(false)
    expect(runsAt(weekends, "2026-01-09T15:30:00Z")).toBe(true)
    const holidays: CampaignSchedule = {
      starts_at: null,
      ends_at: null,
      recurrence: { kind: "yearly", dates: ["12-24", "02-29"] },
      time_zone: "UTC",
    }
    expect(nextOccurrences(holidays, "2026-06-01T00:00:00Z", 3).map((o) => o.starts_at.toISOString().slice(0, 10))).toEqual([
      "2026-12-24",
      "2027-12-24",
      "2028-02-29",
    ])
    const the31st = nextOccurrences(memberDay("UTC", [31]), "2026-04-01T00:00:00Z", 2)
    expect(the31st.map((o) => o.starts_at.toISOString().slice(0, 10))).toEqual(["2026-05-31", "2026-07-31"])
  })

  it("a window bounds the recurrence (start inclusive, end exclusive) and clips the occurrences", () => {
    const schedule: CampaignSchedule = {
      ...memberDay("UTC", [8]),
      starts_at: "2026-02-08T12:00:00Z",
      ends_at: "2026-04-01T00:00:00Z",
    }
    expect(runsAt(schedule, "2026-01-08T12:00:00Z")).toBe(false)
    expect(runsAt(schedule, "2026-02-08T11:59:59Z")).toBe(false)
    expect(runsAt(schedule, "2026-02-08T12:00:00Z")).toBe(true)
    const next = nextOccurrences(schedule, "2026-01-01T00:00:00Z", 5)
    expect(next.map((o) => [o.starts_at.toISOString(), o.ends_at.toISOString()])).toEqual([
      ["2026-02-08T12:00:00.000Z", "2026-02-09T00:00:00.000Z"],
      ["2026-03-08T00:00:00.000Z", "2026-03-09T00:00:00.000Z"],
    ])
    expect(runsAt({ ...schedule, recurrence: null }, "2026-03-31T23:59:59Z")).toBe(true)
    expect(runsAt({ ...schedule, recurrence: null }, "2026-04-01T00:00:00Z")).toBe(false)
  })

  it("names what is wrong with a schedule", () => {
    expect(scheduleProblems(memberDay("Europe/Berlin"))).toEqual([])
    expect(
      scheduleProblems({
        starts_at: "2026-02-01T00:00:00Z",
        ends_at: "2026-01-01T00:00:00Z",
        recurrence: { kind: "yearly", dates: ["02-30", "12-24"] },
        time_zone: "Mars/Olympus",
      })
    ).toEqual([
      'time_zone: "Mars/Olympus" is not a known IANA time zone',
      "ends_at must be after starts_at",
      'recurrence.dates must be "MM-DD" calendar dates (not 02-30)',
    ])
    // Luxon's own zone names are not time zones of a store: each server would read them as its own.
    for (const zone of ["local", "system"]) {
      expect(scheduleProblems(memberDay(zone))).toEqual([`time_zone: "${zone}" is not a known IANA time zone`])
    }
    expect(scheduleProblems({ ...memberDay("UTC", [0, 32]) })).toEqual([
      "recurrence.days must name days of the month between 1 and 31",
    ])
  })
})

const terms = (id: string, over: Partial<ApplicableCampaign> = {}): ApplicableCampaign => ({
  campaign_id: id,
  version: 1,
  name: id,
  type: "multiplier",
  value: 2,
  rates: null,
  min_order_amounts: null,
  stacking: "best_wins",
  stack_cap: null,
  priority: 0,
  item_ids: ["a", "b"],
  ...over,
})

describe("stacking campaigns with the tier multiplier", () => {
  const lines = { a: 60, b: 40 }

  it("best wins: the campaign worth the most applies, the tier only when it is worth more", () => {
    const plan = planCampaigns({
      line_amounts: lines,
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 1.5,
      campaigns: [terms("double"), terms("bonus", { type: "order_bonus", value: 30 })],
    })
    // double adds 100, the tier 50, the bonus 30: double alone applies, at 1× base.
    expect(plan).toMatchObject({ tier_multiplier: 1, base_points: 100 })
    expect(plan.campaigns.map((c) => [c.campaign_id, c.points])).toEqual([["double", 100]])

    const tierWins = planCampaigns({
      line_amounts: lines,
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 3,
      campaigns: [terms("double")],
    })
    expect(tierWins).toEqual({ tier_multiplier: 3, base_points: 300, campaigns: [] })
  })

  it("ties go to the tier, then to the higher priority", () => {
    const tie = planCampaigns({
      line_amounts: lines,
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 2,
      campaigns: [terms("double")],
    })
    expect(tie.campaigns).toEqual([])
    const byPriority = planCampaigns({
      line_amounts: lines,
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 1,
      campaigns: [terms("low", { priority: 1 }), terms("high", { priority: 5 })],
    })
    expect(byPriority.campaigns.map((c) => c.campaign_id)).toEqual(["high"])
  })

  it("additive campaigns add on top of the tier, each within its cap", () => {
    const plan = planCampaigns({
      line_amounts: lines,
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 1.5,
      campaigns: [
        terms("double", { stacking: "additive", priority: 2 }),
        terms("per-euro", { stacking: "additive", type: "amount_bonus", rates: { eur: 1 }, stack_cap: 3, priority: 1 }),
        terms("welcome", { stacking: "additive", type: "order_bonus", value: 25, stack_cap: 3 }),
      ],
    })
    // base 150 (tier 1.5), double +100 = 250, per-euro +100 capped at 300 → +50, welcome capped → nothing.
    expect(plan.base_points).toBe(150)
    expect(plan.campaigns.map((c) => [c.campaign_id, c.points])).toEqual([
      ["double", 100],
      ["per-euro", 50],
    ])
  })

  it("caps the order's points at 100,000,000: the base first, then the campaigns in the order they applied", () => {
    // 200,000 EUR at 1 point per euro, an amount bonus of 1,000 per euro (200 million) and an order bonus.
    const plan = planCampaigns({
      line_amounts: { a: 120_000, b: 80_000 },
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 1,
      campaigns: [
        terms("per-euro", { stacking: "additive", type: "amount_bonus", rates: { eur: 1000 }, priority: 2 }),
        terms("welcome", { stacking: "additive", type: "order_bonus", value: 500, priority: 1 }),
      ],
    })
    expect(plan.base_points).toBe(200_000)
    expect(plan.campaigns.map((c) => [c.campaign_id, c.points])).toEqual([["per-euro", 99_800_000]])
    expect(plan.uncapped_points).toBe(200_200_500)
    // The base alone past the cap: no campaign part is left.
    const huge = planCampaigns({
      line_amounts: { a: 200_000_000 },
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 1,
      campaigns: [terms("welcome", { stacking: "additive", type: "order_bonus", value: 500, item_ids: ["a"] })],
    })
    expect(huge).toEqual({ tier_multiplier: 1, base_points: 100_000_000, campaigns: [], uncapped_points: 200_000_500 })
    // Within the cap nothing says so.
    expect(planCampaigns({ line_amounts: lines, rate: 1, currency_code: "eur", tier_multiplier: 1, campaigns: [terms("double")] })).not.toHaveProperty(
      "uncapped_points"
    )
  })

  it("a targeted campaign multiplies only the lines it covers; floors each part", () => {
    const plan = planCampaigns({
      line_amounts: { a: 10.5, b: 20.25 },
      rate: 1,
      currency_code: "eur",
      tier_multiplier: 1,
      campaigns: [terms("triple-b", { value: 3, item_ids: ["b"] })],
    })
    expect(plan.base_points).toBe(30)
    expect(plan.campaigns[0].points).toBe(40)
    expect(planCampaigns({ line_amounts: lines, rate: null, currency_code: "usd", tier_multiplier: 2, campaigns: [terms("x")] })).toEqual({
      tier_multiplier: 2,
      base_points: 0,
      campaigns: [],
    })
  })
})

describe("per-product earning rules", () => {
  const rules = [
    { target_type: "collection" as const, target_id: "col_gift", factor: 0 },
    { target_type: "collection" as const, target_id: "col_new", factor: 3 },
    { target_type: "category" as const, target_id: "cat_sale", factor: 0.5 },
    { target_type: "category" as const, target_id: "cat_bulk", factor: 0 },
    { target_type: "product" as const, target_id: "prod_star", factor: 2 },
  ]

  it("most specific wins (product, category, collection); within a level the lowest; gift cards never earn", () => {
    expect(lineFactor(rules, { product_id: "prod_plain" })).toBe(1)
    expect(lineFactor(rules, { product_id: "p", collection_id: "col_new" })).toBe(3)
    expect(lineFactor(rules, { product_id: "p", collection_id: "col_new", category_ids: ["cat_sale"] })).toBe(0.5)
    expect(lineFactor(rules, { product_id: "p", category_ids: ["cat_sale", "cat_bulk"] })).toBe(0)
    expect(lineFactor(rules, { product_id: "prod_star", collection_id: "col_gift" })).toBe(2)
    expect(lineFactor(rules, { product_id: "prod_star", is_giftcard: true })).toBe(0)
  })
})

describe("which campaigns apply to an order", () => {
  const campaign: CampaignDefinition = {
    ...terms("c"),
    status: "live",
    starts_at: null,
    ends_at: null,
    recurrence: null,
    time_zone: "UTC",
    tier_ids: [],
    customer_group_ids: [],
    segments: ["at_risk"],
    sales_channel_ids: ["sc_web"],
    product_ids: [],
    collection_ids: ["col_new"],
    category_ids: [],
    budget_points: null,
    per_customer_cap: null,
    min_order_amounts: { eur: 50 },
  }
  const context = {
    at: "2026-01-08T10:00:00Z",
    currency_code: "EUR",
    sales_channel_id: "sc_web",
    tier_id: null,
    customer_group_ids: [],
    segments: ["at_risk", "passive"],
  }

  it("checks status, segment, channel, minimum amount and covered lines", () => {
    expect(campaignMismatch(campaign, context, 50, ["a"])).toBeNull()
    expect(campaignMismatch({ ...campaign, status: "paused" }, context, 50, ["a"])).toBe("status paused")
    expect(campaignMismatch(campaign, { ...context, segments: ["champions"] }, 50, ["a"])).toBe("segment")
    expect(campaignMismatch(campaign, { ...context, sales_channel_id: "sc_pos" }, 50, ["a"])).toBe("sales channel")
    expect(campaignMismatch(campaign, context, 49.99, ["a"])).toBe("below the minimum order amount")
    expect(campaignMismatch(campaign, context, 50, [])).toBe("no line it covers")
    expect(coversLine(campaign, { id: "a", net: 1, collection_id: "col_new" })).toBe(true)
    expect(coversLine(campaign, { id: "b", net: 1, collection_id: "col_old" })).toBe(false)
  })

  it("shows published campaigns as scheduled, live or ended by their window", () => {
    const windowed = { status: "scheduled" as const, starts_at: "2026-02-01T00:00:00Z", ends_at: "2026-03-01T00:00:00Z" }
    expect(effectiveStatus(windowed, "2026-01-31T23:59:59Z")).toBe("scheduled")
    expect(effectiveStatus(windowed, "2026-02-01T00:00:00Z")).toBe("live")
    expect(effectiveStatus(windowed, "2026-03-01T00:00:00Z")).toBe("ended")
    expect(effectiveStatus({ ...windowed, status: "paused" }, "2026-02-10T00:00:00Z")).toBe("paused")
  })

  it("names what is wrong with a campaign's terms", () => {
    const base = { type: "multiplier" as const, value: 1, rates: null, min_order_amounts: null, stacking: "best_wins" as const, stack_cap: 2 }
    expect(termsProblems(base)).toEqual([
      "a multiplier campaign's value must be above 1",
      "stack_cap applies to additive campaigns only",
    ])
    expect(termsProblems({ ...base, type: "order_bonus", value: 2.5, stack_cap: null })).toEqual([
      "an order bonus must be a whole number of points above 0",
    ])
    expect(termsProblems({ ...base, type: "amount_bonus", stack_cap: null })).toEqual([
      "an amount bonus needs rates: points per unit of money by currency",
    ])
    // Bounded so that an ordinary order's points stay far inside what the ledger holds.
    expect(termsProblems({ ...base, value: 101, stack_cap: null })).toEqual(["a multiplier campaign's value must be at most 100"])
    expect(termsProblems({ ...base, value: 100, stack_cap: null })).toEqual([])
  })
})

describe("campaign points after the order changed, at the recorded terms", () => {
  const recorded = { ...terms("double", { item_ids: ["a", "b"] }), points: 100 }

  it("a multiplier follows the covered lines kept, never above what was issued", () => {
    expect(campaignPointsNow(recorded, { canceled: false, line_amounts: { a: 60, b: 40 }, order_amount: 100 }, 1, "eur")).toBe(100)
    expect(campaignPointsNow(recorded, { canceled: false, line_amounts: { a: 60, b: 0 }, order_amount: 60 }, 1, "eur")).toBe(60)
    // The budget let only 30 through: a partial return never takes back more than that.
    expect(
      campaignPointsNow({ ...recorded, points: 30 }, { canceled: false, line_amounts: { a: 60 }, order_amount: 60 }, 1, "eur")
    ).toBe(30)
    expect(campaignPointsNow(recorded, { canceled: true, line_amounts: { a: 60, b: 40 }, order_amount: 100 }, 1, "eur")).toBe(0)
  })

  it("an order bonus stays while the order meets the recorded minimum", () => {
    const bonus = { ...terms("bonus", { type: "order_bonus", value: 50, min_order_amounts: { eur: 80 } }), points: 50 }
    expect(campaignPointsNow(bonus, { canceled: false, line_amounts: { a: 60, b: 40 }, order_amount: 100 }, 1, "eur")).toBe(50)
    expect(campaignPointsNow(bonus, { canceled: false, line_amounts: { a: 60 }, order_amount: 60 }, 1, "eur")).toBe(0)
  })
})

describe("an order's earning with product rules and campaigns, and its reversal at the recorded terms", () => {
  const rules = { ...rulesFromOptions({ earnRates: { eur: 1 } }), version: 1 }
  const order: OrderForPoints = {
    id: "order_1",
    display_id: 7,
    currency_code: "eur",
    status: "pending",
    created_at: "2026-01-08T10:00:00Z",
    customer_id: "cus_1",
    is_member: true,
    total: 238,
    items: [
      { id: "shirt", subtotal: 100, product_id: "prod_shirt" },
      { id: "card", subtotal: 100, product_id: "prod_card", collection_id: "col_gift" },
    ],
    credit_lines: [],
    cart_id: null,
  }
  const memberDay: CampaignDefinition = {
    ...terms("lcmp_day", { name: "Member day", item_ids: [] }),
    status: "live",
    starts_at: null,
    ends_at: null,
    recurrence: { kind: "monthly", days: [8] },
    time_zone: "Europe/Berlin",
    tier_ids: [],
    customer_group_ids: [],
    segments: [],
    sales_channel_ids: [],
    product_ids: [],
    collection_ids: [],
    category_ids: [],
    budget_points: null,
    per_customer_cap: null,
  }
  const inputs = {
    earning_rules: [{ target_type: "collection" as const, target_id: "col_gift", factor: 0 }],
    campaigns: [memberDay],
    sales_channel_id: null,
    customer_group_ids: [],
    segments: [],
  }

  it("excluded lines earn nothing, the member day doubles the rest, and the entry records both", () => {
    const earning = orderEarning(order, rules, null, inputs)!
    expect(earning.points).toBe(200)
    expect(earning.reason).toBe("Order #7: 100 EUR × 1; Member day (×2) +100")
    expect(earning.details).toMatchObject({ base_points: 100, line_factors: { card: 0 }, eligible_amount: 200, earning_amount: 100 })
    expect(earning.details.campaigns).toEqual([
      expect.objectContaining({ campaign_id: "lcmp_day", version: 1, points: 100, requested_points: 100, item_ids: ["shirt"] }),
    ])
    // Not the member day in Berlin: 2026-01-08T23:30Z is the 9th, 00:30 local.
    expect(orderEarning({ ...order, created_at: "2026-01-08T23:30:00Z" }, rules, null, inputs)!.points).toBe(100)
  })

  it("the budget's answer replaces what the plan asked for", () => {
    const capped = withCampaignAwards(orderEarning(order, rules, null, inputs), [{ campaign_id: "lcmp_day", points: 30 }])!
    expect(capped.points).toBe(130)
    expect(capped.reason).toBe("Order #7: 100 EUR × 1; Member day (×2) +30")
    const none = withCampaignAwards(orderEarning(order, rules, null, inputs), [{ campaign_id: "lcmp_day", points: 0 }])
    expect(none).toMatchObject({ points: 100, reason: "Order #7: 100 EUR × 1" })
  })

  it("a return of the shirt takes back its base and campaign points; of the gift card, nothing; cancel, all", () => {
    const earning = withCampaignAwards(orderEarning(order, rules, null, inputs), [{ campaign_id: "lcmp_day", points: 100 }])!
    const original = {
      total_before_points: 238,
      rate: 1,
      multiplier: earning.details.multiplier,
      line_factors: earning.details.line_factors,
      campaigns: earning.details.campaigns,
      currency_code: "eur",
    }
    const item = (id: string, returned = 0): ItemNow => ({
      id,
      quantity: 1,
      subtotal: 100,
      total: 119,
      is_giftcard: false,
      detail: { return_received_quantity: returned },
    })
    const target = (items: ItemNow[], canceled = false) =>
      orderPointsTargets({ canceled, money: orderMoney(items, 0, []), redeemed: 0, restored: 0, earning: original }).earned
    expect(target([item("shirt"), item("card")])).toBe(200)
    expect(target([item("shirt", 1), item("card")])).toBe(0)
    expect(target([item("shirt"), item("card", 1)])).toBe(200)
    expect(target([item("shirt"), item("card")], true)).toBe(0)
  })
})

describe("a campaign's cost on past orders", () => {
  const campaign: CampaignDefinition = {
    ...terms("bonus", { type: "order_bonus", value: 50 }),
    status: "draft",
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
    budget_points: 120,
    per_customer_cap: 50,
  }
  const order = (id: string, customer: string, at: string) => ({
    id,
    created_at: at,
    currency_code: "eur",
    customer_id: customer,
    total: 100,
    items: [{ id: `${id}-line`, subtotal: 100 }],
    credit_lines: [],
    sales_channel_id: null,
    customer_group_ids: [],
    tier_id: null,
    segments: [],
  })

  it("counts orders in the order placed, within the cap per customer and the budget", () => {
    const orders = [
      order("o3", "c", "2026-01-03T00:00:00Z"),
      order("o1", "a", "2026-01-01T00:00:00Z"),
      order("o2", "a", "2026-01-02T00:00:00Z"),
      order("o4", "d", "2026-01-04T00:00:00Z"),
    ]
    // a: 50 (then capped), c: 50, d: 20 of the budget left.
    expect(campaignCost({ ...campaign, status: "live" }, orders, { eur: 1 }, [])).toEqual({
      orders: 4,
      orders_reached: 3,
      customers_reached: 3,
      points: 120,
      budget_exhausted: true,
    })
    // Orders in a currency without an earn rate earn nothing, campaign points included.
    expect(campaignCost({ ...campaign, status: "live" }, orders, {}, []).points).toBe(0)
  })
})

describe("the campaigns module's rules (issue 16, campaigns module)", () => {
  it("makes a new version only for a change to the terms, schedule or targeting", () => {
    const stored = { value: 2, starts_at: new Date("2026-12-01T00:00:00Z"), tier_ids: ["ltier_gold"], stack_cap: null }
    expect(changesTerms(stored, { value: 2, tier_ids: ["ltier_gold"] })).toBe(false)
    // A date is compared as the ISO string a change spells it with.
    expect(changesTerms(stored, { starts_at: "2026-12-01T00:00:00.000Z" })).toBe(false)
    expect(changesTerms(stored, { starts_at: "2026-12-02T00:00:00.000Z" })).toBe(true)
    expect(changesTerms(stored, { stack_cap: undefined })).toBe(false)
    expect(changesTerms(stored, { value: 3 })).toBe(true)
    expect(changesTerms(stored, { tier_ids: [] })).toBe(true)
    // Name, description and status are not terms.
    expect(changesTerms(stored, { name: "Renamed", status: "paused" } as Record<string, unknown>)).toBe(false)
  })

  it("gives an award what was asked, whole, within the budget and the customer's cap left", () => {
    expect(awardWithin(150.7)).toBe(150)
    expect(awardWithin(-5)).toBe(0)
    expect(awardWithin(150, pointsLeft(null, 900))).toBe(150)
    expect(awardWithin(150, pointsLeft(1000, 900))).toBe(100)
    expect(awardWithin(150, pointsLeft(1000, 1000))).toBe(0)
    // A cap already passed (lowered after awards) leaves nothing, never a negative award.
    expect(awardWithin(150, pointsLeft(1000, 900), pointsLeft(200, 250))).toBe(0)
    expect(awardWithin(150, pointsLeft(1000, 900), pointsLeft(200, 160))).toBe(40)
  })

  it("sums each campaign's results over its currencies, zeros for one without awards", () => {
    const sums = [
      { campaign_id: "lcmp_a", currency_code: "eur", points: 300, orders: 3, customers: 2, amount: "150.50" },
      { campaign_id: "lcmp_a", currency_code: "usd", points: 100, orders: 1, customers: 1, amount: "40" },
    ]
    expect(campaignResultsOf(["lcmp_b", "lcmp_a"], sums)).toEqual([
      { campaign_id: "lcmp_b", points: 0, orders: 0, customers: 0, order_amounts: {} },
      { campaign_id: "lcmp_a", points: 400, orders: 4, customers: 2, order_amounts: { eur: "150.50", usd: "40" } },
    ])
  })
})

describe("a campaign's targeting (issue 16: one reading for the stored row and the cost estimate's body)", () => {
  it("reads a list left out or null as no restriction and keeps the lists given", () => {
    expect(targetingOf({ tier_ids: ["ltier_1"], segments: null, product_ids: ["prod_1", "prod_2"] })).toEqual({
      tier_ids: ["ltier_1"],
      customer_group_ids: [],
      segments: [],
      sales_channel_ids: [],
      product_ids: ["prod_1", "prod_2"],
      collection_ids: [],
      category_ids: [],
    })
  })
})
