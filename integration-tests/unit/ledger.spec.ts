import { addMonths, expiryDate } from "../../src/lib/shared/dates"
import { allocateFirstExpiring, lotsToGiveBack, settleDebt, splitReversal } from "../../src/lib/points/ledger"
import { rulesFromOptions, validateRules } from "../../src/lib/points/program"

describe("allocateFirstExpiring", () => {
  const lots = [
    { id: "c", remaining: 10, expires_at: null },
    { id: "b", remaining: 10, expires_at: new Date("2027-03-01") },
    { id: "a", remaining: 10, expires_at: new Date("2027-01-01") },
  ]

  it("takes the first-expiring lots first and never-expiring ones last", () => {
    expect(allocateFirstExpiring(lots, 25)).toEqual({
      takes: [
        { lot_id: "a", points: 10 },
        { lot_id: "b", points: 10 },
        { lot_id: "c", points: 5 },
      ],
      uncovered: 0,
    })
  })

  it("reports what the lots cannot cover", () => {
    expect(allocateFirstExpiring(lots, 40).uncovered).toBe(10)
  })
})

describe("settleDebt and splitReversal", () => {
  it("pays debt before the balance", () => {
    expect(settleDebt(30, 100)).toEqual({ debt_paid: 30, to_balance: 70 })
    expect(settleDebt(130, 100)).toEqual({ debt_paid: 100, to_balance: 0 })
  })

  it("reverses pending first, then available, then records debt", () => {
    expect(splitReversal(100, 40, 50)).toEqual({ from_pending: 40, from_balance: 50, to_debt: 10 })
    expect(splitReversal(30, 40, 50)).toEqual({ from_pending: 30, from_balance: 0, to_debt: 0 })
  })
})

describe("lotsToGiveBack", () => {
  const taken = [
    { lot_id: "a", points: 50, expires_at: "2027-01-01T00:00:00.000Z" },
    { lot_id: "b", points: 450, expires_at: null },
  ]

  it("gives an undone debit back with the expiries of the lots it took (issue 12, defect 1)", () => {
    expect(lotsToGiveBack(taken, 500)).toEqual([
      { points: 50, expires_at: new Date("2027-01-01T00:00:00.000Z") },
      { points: 450, expires_at: null },
    ])
  })

  it("gives back only what is asked, and unrecorded points as never expiring", () => {
    expect(lotsToGiveBack(taken, 30)).toEqual([{ points: 30, expires_at: new Date("2027-01-01T00:00:00.000Z") }])
    expect(lotsToGiveBack([], 70)).toEqual([{ points: 70, expires_at: null }])
    expect(lotsToGiveBack(taken.slice(0, 1), 80)).toEqual([
      { points: 50, expires_at: new Date("2027-01-01T00:00:00.000Z") },
      { points: 30, expires_at: null },
    ])
  })
})

describe("dates", () => {
  it("adds calendar months, clamped to the month's end", () => {
    expect(addMonths(new Date("2026-01-31T00:00:00Z"), 1).toISOString()).toBe("2026-02-28T00:00:00.000Z")
    expect(addMonths(new Date("2026-11-23T12:00:00Z"), 12).toISOString()).toBe("2027-11-23T12:00:00.000Z")
    expect(expiryDate(new Date(), 0)).toBeNull()
  })
})

describe("program rules", () => {
  it("starts from conservative defaults: no currency earns until a rate is set", () => {
    const rules = rulesFromOptions()
    expect(rules.earn_rates).toEqual({})
    expect(rules.version).toBe(0)
  })

  it("explains invalid rules", () => {
    const rules = { ...rulesFromOptions(), redeem_step: 30, min_redeem_points: 100 }
    expect(validateRules(rules)).toEqual(["min_redeem_points must be a multiple of redeem_step"])
  })
})
