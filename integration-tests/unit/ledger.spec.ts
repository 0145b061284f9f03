import { addMonths, expiryDate } from "../../src/lib/shared/dates"
import {
  allocateFirstExpiring,
  creditRoom,
  entryLeft,
  lifetimeOf,
  pastAccountLimit,
  lotsToGiveBack,
  reversalMovement,
  revertMovement,
  settleDebt,
  splitReversal,
} from "../../src/lib/points/ledger"
import { preferencesPatch } from "../../src/lib/points/members"
import { newLotIds } from "../../src/modules/loyalty-points/sql"
import type { EntryType } from "../../src/lib/shared/vocabulary"
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

  it("takes the lots given first (an order's own, for its reversal) before the others, then first-expiring", () => {
    expect(allocateFirstExpiring(lots, 15, new Set(["b"]))).toEqual({
      takes: [
        { lot_id: "b", points: 10 },
        { lot_id: "a", points: 5 },
      ],
      uncovered: 0,
    })
  })
})

describe("newLotIds", () => {
  it("gives lots written together ids that sort in the order given, within one millisecond too (spending breaks equal expiries by id)", () => {
    const ids = newLotIds(200)
    expect(new Set(ids).size).toBe(200)
    expect(ids.every((id) => id.startsWith("llot_"))).toBe(true)
    expect([...ids].sort()).toEqual(ids)
    // As allocation orders them: lots of one expiry are taken in the order their ids were given.
    const expires_at = new Date("2028-01-01")
    const lots = ids.slice(0, 3).map((id) => ({ id, remaining: 10, expires_at }))
    expect(allocateFirstExpiring([lots[2], lots[0], lots[1]], 15).takes.map((take) => take.lot_id)).toEqual([ids[0], ids[1]])
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
      { points: 50, expires_at: new Date("2027-01-01T00:00:00.000Z"), refills: "a" },
      { points: 450, expires_at: null, refills: "b" },
    ])
  })

  it("gives back only what is asked, and unrecorded points as never expiring", () => {
    expect(lotsToGiveBack(taken, 30)).toEqual([{ points: 30, expires_at: new Date("2027-01-01T00:00:00.000Z"), refills: "a" }])
    expect(lotsToGiveBack([], 70)).toEqual([{ points: 70, expires_at: null, refills: null }])
    expect(lotsToGiveBack(taken.slice(0, 1), 80)).toEqual([
      { points: 50, expires_at: new Date("2027-01-01T00:00:00.000Z"), refills: "a" },
      { points: 30, expires_at: null, refills: null },
    ])
  })
})

describe("lotsToGiveBack for an order's points given back in parts (issue 12, restored expiries)", () => {
  const soon = "2027-01-01T00:00:00.000Z"
  const later = "2027-02-01T00:00:00.000Z"
  const taken = [
    { lot_id: "a", points: 50, expires_at: soon },
    { lot_id: "b", points: 14950, expires_at: later },
  ]

  it("skips the points already given back and gives the next ones the dates they had", () => {
    expect(lotsToGiveBack(taken, 11900)).toEqual([
      { points: 50, expires_at: new Date(soon), refills: "a" },
      { points: 11850, expires_at: new Date(later), refills: "b" },
    ])
    expect(lotsToGiveBack(taken, 3100, { skip: 11900 })).toEqual([{ points: 3100, expires_at: new Date(later), refills: "b" }])
    expect(lotsToGiveBack(taken, 100, { skip: 20 })).toEqual([
      { points: 30, expires_at: new Date(soon), refills: "a" },
      { points: 70, expires_at: new Date(later), refills: "b" },
    ])
  })

  it("gives points it has no record of the expiry asked for", () => {
    const fresh = new Date("2028-01-01T00:00:00.000Z")
    expect(lotsToGiveBack(taken, 200, { skip: 14900, unrecorded_expires_at: fresh })).toEqual([
      { points: 100, expires_at: new Date(later), refills: "b" },
      { points: 100, expires_at: fresh, refills: null },
    ])
    expect(lotsToGiveBack([], 70, { unrecorded_expires_at: fresh })).toEqual([{ points: 70, expires_at: fresh, refills: null }])
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

describe("lifetimeOf", () => {
  const entry = (type: EntryType, points: number, balance_change: number, pending_change: number, debt_change: number) => ({
    type, points, balance_change, pending_change, debt_change,
  })

  it("counts a credit or a release as earned in full, the debt it paid off included", () => {
    expect(lifetimeOf(entry("adjust", 50, 20, 0, -30))).toEqual({ lifetime_earned: 50, lifetime_redeemed: 0 })
    expect(lifetimeOf(entry("release", 40, 10, -40, -30))).toEqual({ lifetime_earned: 40, lifetime_redeemed: 0 })
    expect(lifetimeOf(entry("earn", 25, 25, 0, 0))).toEqual({ lifetime_earned: 25, lifetime_redeemed: 0 })
  })

  it("counts nothing for points still pending, an adjustment down or an expiry", () => {
    expect(lifetimeOf(entry("earn", 100, 0, 100, 0))).toEqual({ lifetime_earned: 0, lifetime_redeemed: 0 })
    expect(lifetimeOf(entry("adjust", -40, -40, 0, 0))).toEqual({ lifetime_earned: 0, lifetime_redeemed: 0 })
    expect(lifetimeOf(entry("expire", -10, -10, 0, 0))).toEqual({ lifetime_earned: 0, lifetime_redeemed: 0 })
  })

  it("takes a reversal off what was earned (balance and debt, not pending) and counts redemptions and restores", () => {
    expect(lifetimeOf(entry("reverse", -100, -20, 0, 80))).toEqual({ lifetime_earned: -100, lifetime_redeemed: 0 })
    expect(lifetimeOf(entry("reverse", -30, 0, -30, 0))).toEqual({ lifetime_earned: 0, lifetime_redeemed: 0 })
    expect(lifetimeOf(entry("redeem", -80, -80, 0, 0))).toEqual({ lifetime_earned: 0, lifetime_redeemed: 80 })
    expect(lifetimeOf(entry("restore", 80, 80, 0, 0))).toEqual({ lifetime_earned: 0, lifetime_redeemed: -80 })
  })
})

describe("revertMovement", () => {
  const account = { balance: 100, pending: 50, debt: 0 }

  it("moves every figure back when the account still holds them", () => {
    expect(revertMovement({ balance_change: 30, pending_change: 0, debt_change: 0 }, account)).toEqual({
      balance_change: -30,
      pending_change: -0,
      debt_change: -0,
    })
    expect(revertMovement({ balance_change: 0, pending_change: 20, debt_change: 0 }, account).pending_change).toBe(-20)
  })

  it("turns balance already spent into debt, and never takes more pending than there is", () => {
    expect(revertMovement({ balance_change: 130, pending_change: 80, debt_change: 0 }, account)).toEqual({
      balance_change: -100,
      pending_change: -50,
      debt_change: 30,
    })
  })

  it("puts back debt a credit paid off, and gives debt already paid off back as balance", () => {
    // A credit of 40 that paid 25 of debt: undone, the 25 are owed again and the 15 leave the balance.
    expect(revertMovement({ balance_change: 15, pending_change: 0, debt_change: -25 }, { balance: 15, pending: 0, debt: 10 })).toEqual({
      balance_change: -15,
      pending_change: -0,
      debt_change: 25,
    })
    expect(revertMovement({ balance_change: -40, pending_change: 0, debt_change: 0 }, account)).toEqual({
      balance_change: 40,
      pending_change: -0,
      debt_change: -0,
    })
    // A reversal that recorded 30 of debt, 20 of which later earnings paid off: those 20 come back as balance.
    expect(revertMovement({ balance_change: 0, pending_change: 0, debt_change: 30 }, { balance: 0, pending: 0, debt: 10 })).toEqual({
      balance_change: 20,
      pending_change: -0,
      debt_change: -10,
    })
  })
})

describe("entryLeft (what an undo or a take-back may still take of a credit)", () => {
  // A credit of 100 that paid off 30 of debt: 70 reached the balance.
  const credit = { type: "adjust" as EntryType, points: 100, balance_change: 70, pending_change: 0, debt_change: -30 }

  it("is the entry itself when nothing took part of it back, a debit included", () => {
    expect(entryLeft(credit, 0)).toBe(credit)
    const debit = { type: "redeem" as EntryType, points: -40, balance_change: -40, pending_change: 0, debt_change: 0 }
    expect(entryLeft(debit, 0)).toBe(debit)
  })

  it("is the rest, as points on the balance, when take-backs took part of it", () => {
    expect(entryLeft(credit, -30)).toEqual({ type: "adjust", points: 70, balance_change: 70, pending_change: 0, debt_change: 0 })
    expect(lifetimeOf(entryLeft(credit, -30)!)).toEqual({ lifetime_earned: 70, lifetime_redeemed: 0 })
    // Undone on an account that spent it: the part not on the balance becomes debt.
    expect(revertMovement(entryLeft(credit, -30)!, { balance: 20, pending: 0, debt: 0 })).toEqual({ balance_change: -20, pending_change: -0, debt_change: 50 })
  })

  it("is nothing when all of it was taken back (or more), and never more than the entry", () => {
    expect(entryLeft(credit, -100)).toBeNull()
    expect(entryLeft(credit, -130)).toBeNull()
    expect(entryLeft(credit, 20)).toBe(credit)
    expect(entryLeft({ type: "redeem", points: -40, balance_change: -40, pending_change: 0, debt_change: 0 }, 40)).toBeNull()
  })
})

describe("reversalMovement", () => {
  it("takes pending and balance out and records the rest as debt", () => {
    expect(reversalMovement(splitReversal(100, 30, 50))).toEqual({ balance_change: -50, pending_change: -30, debt_change: 20 })
  })
})

describe("preferencesPatch", () => {
  const now = new Date("2026-12-04T12:00:00Z")
  const unset = { birthday_month: null, birthday_day: null }
  const set = { birthday_month: 3, birthday_day: 9 }

  it("sets a first birthday with its date, and the opt-out as given", () => {
    expect(preferencesPatch(unset, { birthday: { month: 3, day: 9 }, notifications_opt_out: true, now })).toEqual({
      patch: { birthday_month: 3, birthday_day: 9, birthday_set_at: now, notifications_opt_out: true },
    })
  })

  it("writes nothing for the same birthday again, so its 30-day clock keeps running", () => {
    expect(preferencesPatch(set, { birthday: { month: 3, day: 9 }, now })).toEqual({ patch: {} })
  })

  it("refuses a different birthday from the shopper, and lets staff change or clear it", () => {
    expect(preferencesPatch(set, { birthday: { month: 4, day: 1 }, now })).toEqual({
      refused: "Your birthday is already set (03-09); ask the store to change it",
    })
    expect(preferencesPatch(set, { birthday: { month: 4, day: 1 }, allow_birthday_change: true, now })).toEqual({
      patch: { birthday_month: 4, birthday_day: 1, birthday_set_at: now },
    })
    expect(preferencesPatch(set, { birthday: null, allow_birthday_change: true, now })).toEqual({
      patch: { birthday_month: null, birthday_day: null, birthday_set_at: null },
    })
    expect(preferencesPatch(set, { birthday: null, now })).toEqual({ patch: {} })
  })
})

describe("what an account can hold (the ledger's 32-bit columns)", () => {
  const MAX = 2_147_483_647
  const zero = { balance: 0, pending: 0, debt: 0, lifetime_earned: 0, lifetime_redeemed: 0 }
  const credit = (points: number) => ({
    movement: { balance_change: points, pending_change: 0, debt_change: 0 },
    lifetime_earned: points,
    lifetime_redeemed: 0,
  })

  it("lets a posting take a figure up to 2,147,483,647 and refuses one past it, naming the figure", () => {
    const full = { ...zero, balance: 2_147_000_000, lifetime_earned: 2_147_000_000 }
    expect(pastAccountLimit(full, credit(483_647), 483_647)).toBeNull()
    expect(pastAccountLimit(full, credit(483_648), 483_648)).toBe(
      "Too many points: the balance would be 2147483648, more than the 2147483647 an account can hold"
    )
    const pending = { movement: { balance_change: 0, pending_change: 1, debt_change: 0 }, lifetime_earned: 0, lifetime_redeemed: 0 }
    expect(pastAccountLimit({ ...zero, pending: MAX }, pending, 1)).toBe(
      "Too many points: the pending points would be 2147483648, more than the 2147483647 an account can hold"
    )
    // Spent points keep counting as earned: the lifetime counter can be full while the balance is not.
    expect(pastAccountLimit({ ...zero, lifetime_earned: MAX }, credit(1), 1)).toBe(
      "Too many points: the points earned in all would be 2147483648, more than the 2147483647 an account can hold"
    )
    const reversal = { movement: { balance_change: 0, pending_change: 0, debt_change: 3_000_000_000 }, lifetime_earned: -3_000_000_000, lifetime_redeemed: 0 }
    expect(pastAccountLimit(zero, reversal, -3_000_000_000)).toBe(
      "Too many points: the debt would be 3000000000, more than the 2147483647 an account can hold"
    )
    // A debit takes figures down: never refused for this.
    const debit = { movement: { balance_change: -MAX, pending_change: 0, debt_change: 0 }, lifetime_earned: 0, lifetime_redeemed: MAX }
    expect(pastAccountLimit({ ...zero, balance: MAX, lifetime_earned: MAX }, debit, -MAX)).toBeNull()
  })

  it("says how many points a credit can still add: up to the fuller of balance and points earned in all", () => {
    expect(creditRoom({ balance: 50, lifetime_earned: 2_000_000_000 })).toBe(147_483_647)
    expect(creditRoom({ balance: 2_100_000_000, lifetime_earned: 50 })).toBe(47_483_647)
    expect(creditRoom({ balance: 0, lifetime_earned: 0 })).toBe(MAX)
    expect(creditRoom({ balance: MAX, lifetime_earned: MAX })).toBe(0)
  })
})
