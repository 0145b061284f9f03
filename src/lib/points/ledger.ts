import { Limits, type EntryType } from "../shared/vocabulary"
/** A lot as the allocation sees it. */
export type OpenLot = { id: string; remaining: number; expires_at: Date | null }

/**
 * Take `points` from lots, first-expiring first (lots that never expire last,
 * older ids first on ties). Lots in `first` go before all others (a reversal
 * takes back the order's own points while they are there, see
 * `reverseOrderPoints`), first-expiring among them. Returns what to take from
 * each lot and what could not be covered.
 */
export function allocateFirstExpiring(
  lots: OpenLot[],
  points: number,
  first: ReadonlySet<string> = new Set()
): { takes: { lot_id: string; points: number }[]; uncovered: number } {
  const ordered = [...lots].sort((a, b) => {
    const af = first.has(a.id) ? 0 : 1
    const bf = first.has(b.id) ? 0 : 1
    if (af !== bf) return af - bf
    const ax = a.expires_at ? a.expires_at.getTime() : Number.POSITIVE_INFINITY
    const bx = b.expires_at ? b.expires_at.getTime() : Number.POSITIVE_INFINITY
    return ax === bx ? a.id.localeCompare(b.id) : ax - bx
  })
  const takes: { lot_id: string; points: number }[] = []
  let left = points
  for (const lot of ordered) {
    if (left <= 0) break
    const take = Math.min(lot.remaining, left)
    if (take > 0) {
      takes.push({ lot_id: lot.id, points: take })
      left -= take
    }
  }
  return { takes, uncovered: left }
}

/**
 * A credit to the available balance first pays off recorded debt; the rest
 * becomes spendable.
 */
export function settleDebt(debt: number, credit: number): { debt_paid: number; to_balance: number } {
  const debtPaid = Math.min(debt, credit)
  return { debt_paid: debtPaid, to_balance: credit - debtPaid }
}

/**
 * Split a reversal across what the order still has pending, then the
 * available balance, then debt.
 */
export function splitReversal(
  points: number,
  orderPending: number,
  balance: number
): { from_pending: number; from_balance: number; to_debt: number } {
  const fromPending = Math.min(points, orderPending)
  const fromBalance = Math.min(points - fromPending, balance)
  return { from_pending: fromPending, from_balance: fromBalance, to_debt: points - fromPending - fromBalance }
}

/** Points a debit took from one lot, with that lot's expiry (ISO string; null = never). */
export type LotTake = { lot_id: string; points: number; expires_at: string | null }

/** A lot that gives points back: how many, their expiry, and the lot they were taken from (`refills`; null: unrecorded). */
export type LotBack = { points: number; expires_at: Date | null; refills: string | null }

/**
 * The lots that give back `points` of a debit: the expiries of the lots it
 * took, in the order it took them, so the shopper's points expire as they
 * would have (given back again and again, points never get a fresh date),
 * each naming the lot it refills, whose credit its points still are.
 * `skip` passes over the points given back earlier (an order's points come
 * back in parts: a return, then the cancel). Anything not recorded (entries
 * from before lots were recorded) expires at `unrecorded_expires_at` (default:
 * never). A date already past comes back as it is: the next expiry run takes it.
 */
export function lotsToGiveBack(
  taken: LotTake[],
  points: number,
  { skip = 0, unrecorded_expires_at = null }: { skip?: number; unrecorded_expires_at?: Date | null } = {}
): LotBack[] {
  const lots: LotBack[] = []
  let toSkip = skip
  let left = points
  for (const take of taken) {
    if (left <= 0) break
    const skipped = Math.min(toSkip, Number(take.points))
    toSkip -= skipped
    const back = Math.min(left, Number(take.points) - skipped)
    if (back <= 0) continue
    lots.push({ points: back, expires_at: take.expires_at ? new Date(take.expires_at) : null, refills: take.lot_id })
    left -= back
  }
  if (left > 0) lots.push({ points: left, expires_at: unrecorded_expires_at, refills: null })
  return lots
}

/** How an entry moves an account's cached figures (its three `*_change` columns). */
export type Movement = { balance_change: number; pending_change: number; debt_change: number }

/** What one posting changes on its account: the cached figures and the lifetime counters. */
export type AccountChange = { movement: Movement; lifetime_earned: number; lifetime_redeemed: number }

/**
 * The movement of a credit of `points` to the balance side: recorded debt is
 * paid off first (`settleDebt`), the rest goes to the balance (a lot).
 * `pendingChange` when the points come out of pending ones (a release).
 */
export function balanceCredit(debt: number, points: number, pendingChange = 0): Movement {
  const { debt_paid, to_balance } = settleDebt(debt, points)
  return { balance_change: to_balance, pending_change: pendingChange, debt_change: -debt_paid }
}

/** Where the summed change of an account starts: nothing moved. */
export const NO_CHANGE: AccountChange = { movement: { balance_change: 0, pending_change: 0, debt_change: 0 }, lifetime_earned: 0, lifetime_redeemed: 0 }

/** `change` added to `sum`: a page's postings on one account, written as one change. */
export function addChange(sum: AccountChange, change: { movement: Movement; lifetime_earned?: number; lifetime_redeemed?: number }): AccountChange {
  return {
    movement: {
      balance_change: sum.movement.balance_change + change.movement.balance_change,
      pending_change: sum.movement.pending_change + change.movement.pending_change,
      debt_change: sum.movement.debt_change + change.movement.debt_change,
    },
    lifetime_earned: sum.lifetime_earned + (change.lifetime_earned ?? 0),
    lifetime_redeemed: sum.lifetime_redeemed + (change.lifetime_redeemed ?? 0),
  }
}

/**
 * What an order has done in the ledger so far: points earned (pending and
 * earned after release), released, reversed, still pending, redeemed on it
 * and restored to its shopper; and what its own lots lost to expiry, with
 * what the order stood at (earned − reversed) when the last of them expired,
 * so that a reversal does not take expired points a second time
 * (`orderPointsCorrection`).
 */
export const ORDER_FIGURES = ["earned", "released", "reversed", "pending", "redeemed", "restored", "expired", "expired_at_standing"] as const

/** An order's points so far, one number per `ORDER_FIGURES` name. */
export type OrderFigures = Record<(typeof ORDER_FIGURES)[number], number>

/** The figures of an order the ledger has no entry for. */
export const NO_ORDER_FIGURES: OrderFigures = {
  earned: 0,
  released: 0,
  reversed: 0,
  pending: 0,
  redeemed: 0,
  restored: 0,
  expired: 0,
  expired_at_standing: 0,
}

/**
 * What an entry added to its account's lifetime counters, counted as the
 * posting that wrote it counts them: points redeemed on a `redeem` (given
 * back by a `restore`); points earned once they reach the balance side (a
 * credit, a release, an earning after release), the debt they paid off
 * included (`balance_change - debt_change`), and taken back by a `reverse`
 * the same way; nothing for points still pending nor for other debits (an
 * adjustment down, an expiry). Undoing an entry takes exactly this back: the
 * counters are history, so an undo leaves them as if the entry never was,
 * whatever the balance can give back now. (An undo's own entry is never
 * undone, so its type need not tell.)
 */
export function lifetimeOf(entry: Movement & { type: EntryType; points: number }): Omit<AccountChange, "movement"> {
  if (entry.type === "redeem" || entry.type === "restore") {
    return { lifetime_earned: 0, lifetime_redeemed: -entry.points }
  }
  if (entry.type !== "reverse" && entry.points < 0) {
    return { lifetime_earned: 0, lifetime_redeemed: 0 }
  }
  return { lifetime_earned: entry.balance_change - entry.debt_change, lifetime_redeemed: 0 }
}

/** An entry as undoing it or taking it back sees it: its type, its headline points and how it moved the account. */
export type EntryMovement = Movement & { type: EntryType; points: number }

/**
 * What is left of a credit once other entries took part of it back
 * (`undone`: the sum of their points, so 0 or less: the credit's take-backs
 * and an undo of part of it), for an undo (`revertEntry`) or a take-back
 * (`takeBackCredit`) to take, so that between them they take the credit
 * once. Nothing taken back: the entry itself (an undo moves every figure
 * back as it moved them, debt paid off included). Part of it: the rest, as
 * points on the balance (a take-back took its part from the balance, the
 * rest as debt, so what is left of the credit stands there too). All of it,
 * or a debit (never taken back): null, nothing left.
 */
export function entryLeft(entry: EntryMovement, undone: number): EntryMovement | null {
  if (undone === 0) return entry
  const points = entry.points + undone
  if (entry.points <= 0 || points <= 0) return null
  if (points >= entry.points) return entry
  return { type: entry.type, points, balance_change: points, pending_change: 0, debt_change: 0 }
}

/**
 * The movement that undoes an entry's `movement` on the account as it
 * stands now, keeping balance, pending and debt at 0 or more: balance that
 * was already spent becomes debt, debt already paid off comes back as balance.
 */
export function revertMovement(
  entry: Movement,
  account: { balance: number; pending: number; debt: number }
): Movement {
  let balance = -entry.balance_change
  let debt = -entry.debt_change
  const pending = Math.max(-entry.pending_change, -account.pending)
  if (balance < 0 && -balance > account.balance) {
    debt += -balance - account.balance
    balance = -account.balance
  }
  if (debt < 0 && -debt > account.debt) {
    balance += -debt - account.debt
    debt = -account.debt
  }
  return { balance_change: balance, pending_change: pending, debt_change: debt }
}

/** The movement of a reversal split by `splitReversal`: out of pending and balance, the rest into debt. */
export function reversalMovement(split: { from_pending: number; from_balance: number; to_debt: number }): Movement {
  return { balance_change: -split.from_balance, pending_change: -split.from_pending, debt_change: split.to_debt }
}

/** An account's figures a posting moves (its cached balances and lifetime counters). */
export type AccountFigures = { balance: number; pending: number; debt: number; lifetime_earned: number; lifetime_redeemed: number }

/** How a refusal names each figure. */
const FIGURE_NAMES: [keyof AccountFigures, string][] = [
  ["balance", "the balance"],
  ["pending", "the pending points"],
  ["debt", "the debt"],
  ["lifetime_earned", "the points earned in all"],
  ["lifetime_redeemed", "the points redeemed in all"],
]

/**
 * Why a posting cannot be stored, or null when it can: the first of the
 * account's figures after `change`, or the entry's own `points`, that would
 * be past ±`Limits.account_points` (the ledger's columns are 32-bit
 * integers, and Postgres would refuse the write with a 500). Said so that a
 * merchant knows what to do: post less.
 */
export function pastAccountLimit(account: AccountFigures, change: AccountChange, points: number): string | null {
  const after: AccountFigures = {
    balance: Number(account.balance) + change.movement.balance_change,
    pending: Number(account.pending) + change.movement.pending_change,
    debt: Number(account.debt) + change.movement.debt_change,
    lifetime_earned: Number(account.lifetime_earned) + change.lifetime_earned,
    lifetime_redeemed: Number(account.lifetime_redeemed) + change.lifetime_redeemed,
  }
  const figures: [string, number][] = [...FIGURE_NAMES.map(([key, name]): [string, number] => [name, after[key]]), ["the entry", points]]
  const past = figures.find(([, value]) => Math.abs(value) > Limits.account_points)
  if (!past) return null
  const [name, value] = past
  return value > 0
    ? `Too many points: ${name} would be ${value}, more than the ${Limits.account_points} an account can hold`
    : `Too many points: ${name} would be ${value}, below the -${Limits.account_points} an account can hold`
}

/**
 * How many points a credit can still add to an account before
 * `pastAccountLimit` refuses it: a credit raises the balance (less any debt
 * it pays off) and the points earned in all by its points, so the fuller of
 * the two decides (never below 0).
 */
export function creditRoom(account: Pick<AccountFigures, "balance" | "lifetime_earned">): number {
  return Math.max(Limits.account_points - Math.max(Number(account.balance), Number(account.lifetime_earned)), 0)
}
