import { appliedPointsProblems, cartPointsPreview } from "../../src/lib/points/cart-points"
import { rulesFromOptions } from "../../src/lib/points/program"
import { currencyDecimals, pointsToMoney, redemptionLimits, redemptionProblems } from "../../src/lib/points/redemption"

const rules = {
  ...rulesFromOptions({
    earnRates: { eur: 1 },
    pointValues: { eur: 0.01, jpy: 1 },
    minRedeemPoints: 100,
    redeemStep: 10,
    maxRedeemShare: 0.5,
  }),
}

// 2 × 100 EUR + 10 EUR shipping, 19 % VAT
const cart = { currency_code: "eur", total: 249.9, shipping_total: 11.9, credit_lines: [] }

describe("redemption limits", () => {
  it("caps by the share of the cart without shipping, by the balance and by the step", () => {
    expect(redemptionLimits(rules, cart, 100_000)).toMatchObject({ max_points: 11_900, max_value: 119, payable_base: 238 })
    expect(redemptionLimits(rules, cart, 1_005)).toMatchObject({ max_points: 1_000, max_value: 10 })
    expect(redemptionLimits({ ...rules, shipping_redeemable: true }, cart, 100_000).max_points).toBe(12_490)
  })

  it("measures the share before the points already applied", () => {
    const withPoints = { ...cart, total: 244.9, credit_lines: [{ amount: 5, reference: "loyalty-points", metadata: { points: 500 } }] }
    expect(redemptionLimits(rules, withPoints, 100_000).max_points).toBe(11_900)
  })

  it("says why nothing can be redeemed", () => {
    expect(redemptionLimits(rules, { ...cart, currency_code: "usd" }, 1000).unavailable_reason).toBe(
      "Points cannot pay in USD"
    )
    expect(redemptionLimits(rules, cart, 50).unavailable_reason).toMatch(/At least 100 points/)
  })

  it("explains each broken rule", () => {
    const limits = redemptionLimits(rules, cart, 1000)
    expect(redemptionProblems(50, limits, 1000)).toEqual(["At least 100 points must be redeemed at once"])
    expect(redemptionProblems(100, redemptionLimits(rules, cart, 60), 60)).toEqual([
      "At least 100 points are needed to redeem; the balance is 60",
    ])
    expect(redemptionProblems(105, limits, 1000)).toEqual(["Points are redeemed in steps of 10"])
    expect(redemptionProblems(2000, limits, 1000)).toEqual(["Only 1000 points are available"])
    expect(redemptionProblems(500, limits, 1000)).toEqual([])
  })

  it("rounds money to the currency's precision", () => {
    expect(currencyDecimals("eur")).toBe(2)
    expect(currencyDecimals("jpy")).toBe(0)
    // asked again (remembered per currency), and in capitals, the same
    expect(currencyDecimals("jpy")).toBe(0)
    expect(currencyDecimals("EUR")).toBe(2)
    expect(currencyDecimals("kwd")).toBe(3)
    // not an ISO 4217 code: two places, and not remembered as anything else
    expect(currencyDecimals("not-a-currency")).toBe(2)
    expect(pointsToMoney(333, 0.015, "eur")).toBe(5)
    expect(pointsToMoney(333, 0.015, "jpy")).toBe(5)
  })
})

describe("cart preview", () => {
  const items = [{ subtotal: 200, discount_subtotal: 0 }]

  it("promises what the earn formula awards, on the money part only", () => {
    const applied = {
      ...cart,
      total: 244.9,
      items,
      is_member: true,
      credit_lines: [{ amount: 5, reference: "loyalty-points", metadata: { points: 500 } }],
    }
    const preview = cartPointsPreview(rules, applied, { balance: 1000 })
    expect(preview.points_to_earn).toBe(195)
    expect(preview.applied).toEqual({ points: 500, value: 5, fits: true, problems: [] })
  })

  it("flags applied points that no longer fit", () => {
    const shrunk = {
      currency_code: "eur",
      total: 10.05,
      shipping_total: 11.9,
      credit_lines: [{ amount: 10, reference: "loyalty-points", metadata: { points: 1000 } }],
    }
    expect(appliedPointsProblems(rules, shrunk, 1000).join()).toMatch(/At most 400 points/)
    expect(appliedPointsProblems({ ...rules, point_values: { eur: 0.02 } }, shrunk, 5000).join()).toMatch(
      /value of a point has changed/
    )
  })

  it("tells guests they would earn with an account, and shows them no balance", () => {
    const preview = cartPointsPreview(rules, { ...cart, items, is_member: false }, null)
    expect(preview).toMatchObject({ points_to_earn: 0, earns: false, balance: null, redeem: null })
    expect(preview.earning.points).toBe(200)
  })
})
