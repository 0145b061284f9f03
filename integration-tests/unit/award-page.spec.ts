import { inWindow } from "../../src/lib/campaigns/schedule"
import { deferralOf, planAwardPage } from "../../src/lib/points/award-page"
import { orderEarning, OrderForPoints } from "../../src/lib/points/order-points"
import { rulesFromOptions } from "../../src/lib/points/program"

const rules = { ...rulesFromOptions({ earnRates: { eur: 1 }, pendingDays: 14 }), version: 4 }
const placed = new Date("2026-11-10T12:00:00Z")

/** A member's order of two lines (100 and 40 EUR before tax, 10 off the first), 168.30 EUR paid. */
const order = (id: string, over: Partial<OrderForPoints> = {}): OrderForPoints => ({
  id,
  display_id: 7,
  currency_code: "eur",
  status: "pending",
  created_at: placed,
  customer_id: "cus_1",
  sales_channel_id: "sc_1",
  is_member: true,
  total: 168.3,
  items: [
    { id: `${id}-a`, subtotal: 100, discount_subtotal: 10, is_giftcard: false, product_id: "prod_shirt", collection_id: null, category_ids: [] },
    { id: `${id}-b`, subtotal: 40, discount_subtotal: 0, is_giftcard: false, product_id: "prod_mug", collection_id: null, category_ids: [] },
  ],
  credit_lines: [],
  cart_id: null,
  ...over,
})

describe("a campaign's window (issue 15)", () => {
  it("starts inclusive, ends exclusive, and an open end is no bound", () => {
    const window = { starts_at: new Date("2026-11-01T00:00:00Z"), ends_at: new Date("2026-11-08T00:00:00Z") }
    expect(inWindow(window, "2026-11-01T00:00:00.000Z")).toBe(true)
    expect(inWindow(window, "2026-10-31T23:59:59.999Z")).toBe(false)
    expect(inWindow(window, "2026-11-07T23:59:59.999Z")).toBe(true)
    expect(inWindow(window, "2026-11-08T00:00:00.000Z")).toBe(false)
    expect(inWindow({ starts_at: null, ends_at: null }, placed)).toBe(true)
    expect(inWindow({ starts_at: "2026-11-10T12:00:00.001Z", ends_at: null }, placed)).toBe(false)
  })
})

describe("the earnings catch-up's page (issue 15: planAwardPage)", () => {
  const gold = { id: "tier_gold", name: "Gold", earn_multiplier: 1.5 }

  it("earns each order exactly what the per-order award's rule gives it: tier, rate, reason, release date, details", () => {
    const orders = [order("o1"), order("o2", { customer_id: "cus_2" }), order("o3", { currency_code: "usd" })]
    const tiers = [gold, null, null]
    const plan = planAwardPage({ orders, rules, tiers, campaigns: [], earning_rules: [] })
    expect(plan.deferred).toEqual([])
    expect(plan.awards.map((a) => a.earning)).toEqual(orders.map((o, i) => orderEarning(o, rules, tiers[i], null)))
    expect(plan.awards.map((a) => a.earning.points)).toEqual([195, 130, 0])
    expect(plan.awards[0].earning).toMatchObject({ release_at: new Date("2026-11-24T12:00:00Z"), program_version: 4, details: { tier_id: "tier_gold" } })
  })

  it("applies the per-product earning rules as the per-order award does (line factors recorded)", () => {
    const earningRules = [{ target_type: "product" as const, target_id: "prod_mug", factor: 3 }]
    const plan = planAwardPage({ orders: [order("o1")], rules, tiers: [null], campaigns: [], earning_rules: earningRules })
    const inputs = { earning_rules: earningRules, campaigns: [], sales_channel_id: "sc_1", customer_group_ids: [], segments: [] }
    expect(plan.awards[0].earning).toEqual(orderEarning(order("o1"), rules, null, inputs))
    expect(plan.awards[0].earning.points).toBe(210)
    expect(plan.awards[0].earning.details.line_factors).toEqual({ "o1-b": 3 })
  })

  it("leaves to the per-order award, in the page's order: points-paid orders, orders placed in a campaign's window, guests' and drafts, and a customer's orders after one of those", () => {
    const campaigns = [{ starts_at: new Date("2026-11-12T00:00:00Z"), ends_at: new Date("2026-11-13T00:00:00Z") }]
    const orders = [
      order("plain"),
      order("points", { credit_lines: [{ amount: 10, reference: "loyalty-points" }] }),
      order("storecredit", { credit_lines: [{ amount: 10, reference: "store-credit" }] }),
      order("campaign", { created_at: new Date("2026-11-12T09:00:00Z") }),
      order("after", { created_at: new Date("2026-11-13T00:00:00Z") }),
      order("guest", { is_member: false }),
      order("draft", { status: "draft" }),
    ]
    const customers = (list: OrderForPoints[]) => list.map((o, i) => ({ ...o, customer_id: `cus_${i}` }))
    const plan = planAwardPage({ orders: customers(orders), rules, tiers: orders.map(() => null), campaigns, earning_rules: [] })
    expect(plan.awards.map((a) => a.order.id)).toEqual(["plain", "storecredit", "after"])
    expect(plan.deferred).toEqual([
      { order_id: "points", why: "paid-with-points" },
      { order_id: "campaign", why: "campaign" },
      { order_id: "guest", why: "not-a-member" },
      { order_id: "draft", why: "not-a-member" },
    ])
    // One customer's orders after a deferred one follow it, so their awards keep the page's order.
    const one = planAwardPage({ orders, rules, tiers: orders.map(() => null), campaigns, earning_rules: [] })
    expect(one.awards.map((a) => a.order.id)).toEqual(["plain"])
    expect(one.deferred.map((d) => d.why)).toEqual(["paid-with-points", "after-deferred", "campaign", "after-deferred", "not-a-member", "not-a-member"])
    expect(deferralOf(order("x", { customer_id: null }), [])).toBe("not-a-member")
  })
})
