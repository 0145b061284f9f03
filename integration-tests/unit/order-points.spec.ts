import { computeEarning } from "../../src/lib/points/earning"
import { OrderMoney, orderMoney, orderPointsCorrection, orderPointsTargets, recomputationWrites } from "../../src/lib/points/order-points"

const money = (over: Partial<OrderMoney>): OrderMoney => ({
  items_total: 0,
  items_net: 0,
  value: 0,
  points_credit: 0,
  points_credit_restored: 0,
  other_credit: 0,
  ...over,
})

/** 2 units at 22.80 (19.00 + 20 % VAT) + 5.88 shipping = 51.48, of which 22.00 paid with 2,200 points. */
const pointsOrder = { total_before_points: 51.48, rate: 1, multiplier: 1 }

describe("orderPointsTargets: one rule for every order flow", () => {
  it("as placed, earns exactly what checkout promised", () => {
    const placed = orderPointsTargets({
      canceled: false,
      money: money({ items_total: 45.6, items_net: 38, value: 51.48, points_credit: 22 }),
      redeemed: 2200,
      restored: 0,
      earning: pointsOrder,
    })
    const atCheckout = computeEarning({
      items: [{ subtotal: 38 }],
      total: 29.48,
      credit_lines: [{ amount: 22, reference: "loyalty-points" }],
      rate: 1,
    })
    expect(placed).toMatchObject({ restored: 0, earned: atCheckout.points })
    expect(placed.earned).toBe(21)
  })

  it("gives a returned unit's value back in points first, the rest in cash, and earns on the kept unit (issue 12, defect 2)", () => {
    const returned = orderPointsTargets({
      canceled: false,
      money: money({ items_total: 22.8, items_net: 19, value: 28.68, points_credit: 22 }),
      redeemed: 2200,
      restored: 0,
      earning: pointsOrder,
    })
    // 22.00 comes back as 2,200 points; Medusa is left to suggest 0.80 in cash: 22.80 in all, the unit's price.
    expect(returned).toMatchObject({ restored: 2200, restored_value: 22, points_still_paid: 0 })
    expect(22.8 - returned.restored_value).toBeCloseTo(0.8, 2)
    // The kept unit is now paid in cash only: it earns its 19.00.
    expect(returned.earned).toBe(19)
  })

  it("gives back only the lost value when it is less than the points paid", () => {
    const cheapReturn = orderPointsTargets({
      canceled: false,
      money: money({ items_total: 41.6, items_net: 34.67, value: 47.48, points_credit: 22 }),
      redeemed: 2200,
      restored: 0,
      earning: pointsOrder,
    })
    expect(cheapReturn).toMatchObject({ restored: 400, restored_value: 4, points_still_paid: 18 })
  })

  it("does not give back in points a value already refunded in cash, whatever came first (issue 12, refund before receipt)", () => {
    const returned = { items_total: 22.8, items_net: 19, value: 28.68, points_credit: 22 }
    // The unit's 22.80 refunded in cash as soon as its return was requested: nothing in points.
    const refundedFirst = orderPointsTargets({
      canceled: false,
      money: money({ ...returned, refunded: 22.8 }),
      redeemed: 2200,
      restored: 0,
      earning: pointsOrder,
    })
    expect(refundedFirst).toMatchObject({ restored: 0, restored_value: 0, points_still_paid: 22 })
    // The kept unit and shipping (28.68) are paid 22.00 in points, 6.68 in cash: 19 × 22.80 × 6.68 / 28.68 / 22.80.
    expect(refundedFirst.earned).toBe(4)
    // Part of it refunded in cash: only the rest in points.
    expect(
      orderPointsTargets({ canceled: false, money: money({ ...returned, refunded: 10.8 }), redeemed: 2200, restored: 0, earning: pointsOrder })
    ).toMatchObject({ restored: 1200, restored_value: 12 })
    // The documented order (points given back on receipt, then the 0.80 refunded): unchanged.
    expect(
      orderPointsTargets({ canceled: false, money: money({ ...returned, refunded: 0.8, points_credit_restored: 22 }), redeemed: 2200, restored: 2200, earning: pointsOrder })
    ).toMatchObject({ restored: 2200, earned: 19 })
    // A goodwill refund (booked by Medusa as a credit line) is not a refund of the lost value.
    expect(
      orderPointsTargets({ canceled: false, money: money({ ...returned, refunded: 5, other_credit: 5 }), redeemed: 2200, restored: 0, earning: pointsOrder })
    ).toMatchObject({ restored: 2200 })
  })

  it("caps what an order earns now at 100,000,000, as its award was capped: a recomputation adds nothing past it", () => {
    const earning = { total_before_points: 3_000_000, rate: 1000, multiplier: 1 }
    const now = money({ items_total: 3_000_000, items_net: 3_000_000, value: 3_000_000 })
    expect(orderPointsTargets({ canceled: false, money: now, redeemed: 0, restored: 0, earning }).earned).toBe(100_000_000)
  })

  it("never takes given-back points again when the order grows later", () => {
    const grown = orderPointsTargets({
      canceled: false,
      money: money({ items_total: 68.4, items_net: 57, value: 74.28, points_credit: 22, points_credit_restored: 22 }),
      redeemed: 2200,
      restored: 2200,
      earning: pointsOrder,
    })
    expect(grown).toMatchObject({ restored: 2200, points_still_paid: 0, earned: 57 })
  })

  it("takes back exactly an item's points when exactly its price is refunded, shipping aside (issue 12, refund rule)", () => {
    // 118.00 of items (141.60 with VAT) + 5.88 shipping, 118 points; 34.80 (a 29.00 item with VAT) refunded.
    const earning = { total_before_points: 147.48, rate: 1, multiplier: 1 }
    const base = money({ items_total: 141.6, items_net: 118, value: 147.48 })
    expect(orderPointsTargets({ canceled: false, money: base, redeemed: 0, restored: 0, earning }).earned).toBe(118)
    const refunded = orderPointsTargets({
      canceled: false,
      money: { ...base, other_credit: 34.8 },
      redeemed: 0,
      restored: 0,
      earning,
    })
    expect(refunded.earned).toBe(89)
    // Refunding more than the items' cash takes all, and never more.
    const all = orderPointsTargets({ canceled: false, money: { ...base, other_credit: 500 }, redeemed: 0, restored: 0, earning })
    expect(all.earned).toBe(0)
  })

  it("follows an edit up and down, with the tier multiplier of the original earning", () => {
    const earning = { total_before_points: 129, rate: 1, multiplier: 1.5 }
    const up = orderPointsTargets({
      canceled: false,
      money: money({ items_total: 148.75, items_net: 125, value: 160.65 }),
      redeemed: 0,
      restored: 0,
      earning,
    })
    expect(up.earned).toBe(187)
    const down = orderPointsTargets({
      canceled: false,
      money: money({ items_total: 29.75, items_net: 25, value: 41.65 }),
      redeemed: 0,
      restored: 0,
      earning,
    })
    expect(down.earned).toBe(37)
  })

  it("gives everything back and earns nothing on cancel; no earning entry, no earning", () => {
    const canceled = orderPointsTargets({
      canceled: true,
      money: money({ items_total: 45.6, items_net: 38, value: 51.48, points_credit: 22 }),
      redeemed: 2200,
      restored: 0,
      earning: pointsOrder,
    })
    expect(canceled).toMatchObject({ restored: 2200, earned: 0 })
    expect(
      orderPointsTargets({ canceled: false, money: money({ value: 10 }), redeemed: 0, restored: 0, earning: null }).earned
    ).toBeNull()
  })
})

describe("orderMoney: the order as it now stands, from Medusa's totals", () => {
  // Medusa's item totals already leave out received returns (quantity − received − dismissed).
  const cap = (over: Record<string, unknown> = {}) => ({
    quantity: 2,
    total: 45.6,
    subtotal: 38,
    discount_subtotal: 0,
    detail: {},
    ...over,
  })

  it("counts items whose return is only requested as gone, and received ones once", () => {
    expect(orderMoney([cap()], 5.88, [])).toMatchObject({ items_total: 45.6, items_net: 38, value: 51.48 })
    const requested = orderMoney([cap({ detail: { return_requested_quantity: 1 } })], 5.88, [])
    expect(requested).toMatchObject({ items_total: 22.8, items_net: 19, value: 28.68 })
    // Received: Medusa's total is already the kept unit's.
    const received = orderMoney(
      [cap({ total: 22.8, subtotal: 19, detail: { return_received_quantity: 1 } })],
      5.88,
      []
    )
    expect(received).toMatchObject({ items_total: 22.8, items_net: 19, value: 28.68 })
    expect(orderMoney([cap({ total: 0, subtotal: 0, detail: { return_received_quantity: 2 } })], 5.88, [])).toMatchObject({
      items_total: 0,
      value: 5.88,
    })
  })

  it("reads the cash refunded from the order's negative transactions", () => {
    expect(orderMoney([cap()], 5.88, [], [{ amount: 29.48 }, { amount: -22.8 }, null, { amount: -0.8 }])).toMatchObject({ refunded: 23.6 })
    expect(orderMoney([cap()], 5.88, [])).toMatchObject({ refunded: 0 })
  })

  it("tells the points lines, checkout credit and later credit lines apart", () => {
    const money = orderMoney([cap(), { quantity: 1, total: 50, subtotal: 50, is_giftcard: true }], 5.88, [
      { amount: 22, reference: "loyalty-points" },
      { amount: -22, reference: "loyalty-points-restored", metadata: { created_in_version: 3 } },
      { amount: 10, reference: "store-credit" },
      { amount: 34.8, reference: "refund", metadata: { created_in_version: 2 } },
      { amount: -5, reference: "store-credit", metadata: { created_in_version: 4 } },
    ])
    expect(money).toEqual({
      items_total: 45.6,
      items_net: 38,
      // Gift cards are worth money but earn nothing; store credit used at checkout paid part of the value.
      value: 91.48, // 45.60 + 50 + 5.88 − 10
      points_credit: 22,
      points_credit_restored: 22,
      // Only money given beyond what was owed (positive, added later) counts against the items.
      other_credit: 34.8,
      refunded: 0,
      // Lines without an id (these fixtures) are not listed by line.
      lines: {},
    })
  })
})

describe("recomputationWrites: the release page's reversal check (issue 15)", () => {
  const earning = { total_before_points: 249.9, rate: 1, multiplier: 1 }
  const kept = money({ items_total: 238, items_net: 200, value: 249.9 })
  const order = (over: Partial<{ status: string; money: OrderMoney; credit_lines: { amount: number; reference: string | null }[] }> = {}) => ({
    customer_id: "cus_1",
    status: "pending",
    credit_lines: [],
    money: kept,
    ...over,
  })
  const ledger = (over: Partial<{ earned: number; reversed: number; redeemed: number; restored: number }> = {}) => ({
    earned: 200,
    reversed: 0,
    redeemed: 0,
    restored: 0,
    ...over,
  })

  it("finds nothing to write for an order as placed, or one whose refund was already reversed", () => {
    expect(recomputationWrites({ order: order(), ledger: ledger(), earning })).toBe(false)
    // 74.97 refunded as a credit line beyond what was owed: 63 reversed when it happened.
    const refunded = money({ items_total: 238, items_net: 200, value: 249.9, other_credit: 74.97 })
    expect(recomputationWrites({ order: order({ money: refunded }), ledger: ledger({ reversed: 63 }), earning })).toBe(false)
  })

  it("finds the reversal a lost event left undone, up or down, and a cancel", () => {
    const refunded = money({ items_total: 238, items_net: 200, value: 249.9, other_credit: 74.97 })
    expect(recomputationWrites({ order: order({ money: refunded }), ledger: ledger(), earning })).toBe(true)
    expect(recomputationWrites({ order: order(), ledger: ledger({ reversed: 63 }), earning })).toBe(true)
    expect(recomputationWrites({ order: order({ status: "canceled" }), ledger: ledger(), earning })).toBe(true)
    expect(recomputationWrites({ order: order({ status: "canceled" }), ledger: ledger({ reversed: 200 }), earning })).toBe(false)
  })

  it("leaves points spent on the order to the per-order path when they are still to attach or to give back", () => {
    const paid = { credit_lines: [{ amount: 22, reference: "loyalty-points" }], money: money({ items_total: 45.6, items_net: 38, value: 51.48, points_credit: 22 }) }
    const placed = { total_before_points: 51.48, rate: 1, multiplier: 1 }
    // The checkout's debit is not on the order yet.
    expect(recomputationWrites({ order: order(paid), ledger: ledger({ earned: 21 }), earning: placed })).toBe(true)
    expect(recomputationWrites({ order: order(paid), ledger: ledger({ earned: 21, redeemed: 2200 }), earning: placed })).toBe(false)
    // Canceled: the points spent come back.
    expect(recomputationWrites({ order: order({ ...paid, status: "canceled" }), ledger: ledger({ earned: 21, reversed: 21, redeemed: 2200 }), earning: placed })).toBe(true)
  })

  it("writes nothing for an order that is gone or has no customer, as the recomputation", () => {
    expect(recomputationWrites({ order: null, ledger: ledger(), earning })).toBe(false)
    expect(recomputationWrites({ order: { ...order(), customer_id: null }, ledger: ledger({ reversed: 99 }), earning })).toBe(false)
  })
})

describe("orderPointsCorrection: a reversal does not take points that expired in the order's own lots again", () => {
  /** An order that earned 200, released; `expired` of its lot's points expired when it stood at `at`. */
  const released = (over: Partial<{ earned: number; reversed: number; expired: number; expired_at_standing: number }> = {}) => ({
    earned: 200,
    reversed: 0,
    expired: 0,
    expired_at_standing: 0,
    ...over,
  })

  it("without expiries posts the difference, down or up", () => {
    expect(orderPointsCorrection(released(), 0)).toBe(-200)
    expect(orderPointsCorrection(released(), 137)).toBe(-63)
    expect(orderPointsCorrection(released({ reversed: 63 }), 137)).toBe(0)
    expect(orderPointsCorrection(released(), 230)).toBe(30)
    expect(orderPointsCorrection({ earned: 200, reversed: 0 }, 200)).toBe(0)
  })

  it("takes nothing when the whole lot expired unused, however often it runs", () => {
    const expired = released({ expired: 200, expired_at_standing: 200 })
    expect(orderPointsCorrection(expired, 0)).toBe(0)
    expect(orderPointsCorrection(expired, 100)).toBe(0)
    expect(orderPointsCorrection(expired, 200)).toBe(0)
  })

  it("takes back the spent part of a partly expired lot, once", () => {
    // 100 spent, the other 100 expired: a cancel takes the 100 spent.
    const partly = released({ expired: 100, expired_at_standing: 200 })
    expect(orderPointsCorrection(partly, 0)).toBe(-100)
    expect(orderPointsCorrection({ ...partly, reversed: 100 }, 0)).toBe(0)
  })

  it("counts the expired points first on a partial return, then the spent ones", () => {
    const partly = released({ expired: 100, expired_at_standing: 200 })
    // Half returned: the 100 the order no longer earns are the expired ones.
    expect(orderPointsCorrection(partly, 100)).toBe(0)
    expect(orderPointsCorrection(partly, 150)).toBe(0)
    // Three quarters: 50 of the spent points go back too.
    expect(orderPointsCorrection(partly, 50)).toBe(-50)
    expect(orderPointsCorrection({ ...partly, reversed: 50 }, 50)).toBe(0)
    // The rest refunded later.
    expect(orderPointsCorrection({ ...partly, reversed: 50 }, 0)).toBe(-50)
  })

  it("takes back in full points the order earned after its lot expired (they sit above the expired ones)", () => {
    const raised = released({ earned: 250, expired: 200, expired_at_standing: 200 })
    expect(orderPointsCorrection(released({ expired: 200, expired_at_standing: 200 }), 250)).toBe(50)
    expect(orderPointsCorrection(raised, 250)).toBe(0)
    expect(orderPointsCorrection(raised, 200)).toBe(-50)
    expect(orderPointsCorrection(raised, 0)).toBe(-50)
    expect(orderPointsCorrection({ ...raised, reversed: 50 }, 0)).toBe(0)
  })

  it("gives nothing back when a reversal before the expiry took other lots and the order's lot then expired", () => {
    // 100 taken back from other (earlier-expiring) lots, then the order's untouched lot of 200 expired.
    const before = released({ reversed: 100, expired: 200, expired_at_standing: 100 })
    expect(orderPointsCorrection(before, 100)).toBe(0)
    expect(orderPointsCorrection(before, 0)).toBe(0)
  })

  it("is what the release page's check reads: a canceled order whose lot expired writes nothing", () => {
    const order = { customer_id: "cus_1", status: "canceled", credit_lines: [], money: money({ items_total: 238, items_net: 200, value: 249.9 }) }
    const earning = { total_before_points: 249.9, rate: 1, multiplier: 1 }
    const ledger = { earned: 200, reversed: 0, redeemed: 0, restored: 0 }
    expect(recomputationWrites({ order, ledger, earning })).toBe(true)
    expect(recomputationWrites({ order, ledger: { ...ledger, expired: 200, expired_at_standing: 200 }, earning })).toBe(false)
  })
})
