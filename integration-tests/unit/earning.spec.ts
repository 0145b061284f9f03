import { computeEarning, POINTS_CREDIT_LINE_REFERENCE } from "../../src/lib/points/earning"
import { orderEarning, OrderForPoints } from "../../src/lib/points/order-points"
import { rulesFromOptions } from "../../src/lib/points/program"

describe("computeEarning", () => {
  it("earns on items after discounts, excluding tax, shipping and gift cards", () => {
    const result = computeEarning({
      items: [
        { subtotal: 200, discount_subtotal: 20 },
        { subtotal: 50, discount_subtotal: 0, is_giftcard: true },
      ],
      // 180 net items + 34.2 tax + 10 shipping + 50 gift card
      total: 274.2,
      rate: 2,
    })
    expect(result.items_net).toBe(180)
    expect(result.eligible_amount).toBe(180)
    expect(result.points).toBe(360)
  })

  it("does not earn on the part of the order paid with points", () => {
    const result = computeEarning({
      items: [{ subtotal: 100 }],
      total: 90,
      credit_lines: [
        { amount: 30, reference: POINTS_CREDIT_LINE_REFERENCE },
        { amount: 999, reference: "store-credit" },
      ],
      rate: 1,
    })
    expect(result.points_credit).toBe(30)
    expect(result.total_before_points).toBe(120)
    // 100 × 90 / 120
    expect(result.eligible_amount).toBe(75)
    expect(result.points).toBe(75)
  })

  it("floors fractional points and earns nothing without a rate", () => {
    expect(computeEarning({ items: [{ subtotal: 19.99 }], total: 19.99, rate: 1 }).points).toBe(19)
    expect(computeEarning({ items: [{ subtotal: 100 }], total: 100, rate: null }).points).toBe(0)
  })

  it("earns nothing on an order paid entirely with points", () => {
    const result = computeEarning({
      items: [{ subtotal: 50 }],
      total: 0,
      credit_lines: [{ amount: 50, reference: POINTS_CREDIT_LINE_REFERENCE }],
      rate: 1,
    })
    expect(result.points).toBe(0)
  })

  it("applies the multiplier before flooring", () => {
    expect(computeEarning({ items: [{ subtotal: 33 }], total: 33, rate: 1, multiplier: 1.5 }).points).toBe(49)
  })

  it("caps an order's points at 100,000,000 and keeps what the rules gave (uncapped_points)", () => {
    // 3,000,000 EUR at 1,000 points per euro: 3 billion, more than a 32-bit ledger column holds.
    const big = computeEarning({ items: [{ subtotal: 3_000_000 }], total: 3_000_000, rate: 1000 })
    expect(big.points).toBe(100_000_000)
    expect(big.uncapped_points).toBe(3_000_000_000)
    const atCap = computeEarning({ items: [{ subtotal: 10_000 }], total: 10_000, rate: 1000, multiplier: 10 })
    expect(atCap.points).toBe(100_000_000)
    expect(atCap).not.toHaveProperty("uncapped_points")
  })
})

describe("orderEarning", () => {
  const rules = { ...rulesFromOptions({ earnRates: { EUR: 1 }, pendingDays: 14 }), version: 3 }
  const order: OrderForPoints = {
    id: "order_1",
    display_id: 12,
    currency_code: "eur",
    status: "pending",
    created_at: new Date("2026-01-01T10:00:00Z"),
    customer_id: "cus_1",
    is_member: true,
    total: 119,
    items: [{ subtotal: 100 }],
    credit_lines: [],
    cart_id: null,
  }

  it("records points, rule version and the return window end", () => {
    const earning = orderEarning(order, rules)!
    expect(earning.points).toBe(100)
    expect(earning.program_version).toBe(3)
    expect(earning.release_at.toISOString()).toBe("2026-01-15T10:00:00.000Z")
    expect(earning.reason).toBe("Order #12: 100 EUR × 1")
  })

  it("says in the reason when the order's points were capped", () => {
    const earning = orderEarning({ ...order, total: 3_000_000, items: [{ subtotal: 3_000_000 }] }, { ...rules, earn_rates: { eur: 1000 } })!
    expect(earning.points).toBe(100_000_000)
    expect(earning.reason).toBe("Order #12: 3000000 EUR × 1000; 3000000000 points, capped at 100000000 per order")
    expect(earning.details).toMatchObject({ points: 100_000_000, uncapped_points: 3_000_000_000 })
  })

  it("gives guests nothing and explains a currency without a rate", () => {
    expect(orderEarning({ ...order, is_member: false }, rules)).toBeNull()
    const usd = orderEarning({ ...order, currency_code: "usd" }, rules)!
    expect(usd.points).toBe(0)
    expect(usd.reason).toBe("Order #12: USD does not earn points")
  })
})
