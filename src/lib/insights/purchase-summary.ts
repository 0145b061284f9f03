/**
 * Turns raw transactions into the per-customer summary the BG/NBD and
 * Gamma-Gamma models take. Purchases on the same (UTC) day count as one
 * purchase whose value is the day's sum, as in Fader, Hardie & Lee's CDNOW
 * analysis. Times are in `unitDays` (7 = weeks).
 */
export type Transaction = { customer_id: string; at: Date; amount: number }

export type CustomerSummary = {
  customer_id: string
  /** Repeat purchases (purchase days after the first). */
  x: number
  /** First to last purchase, in units. */
  tx: number
  /** First purchase to the end of the observation, in units. */
  T: number
  /** Mean value of the repeat purchase days (0 when x = 0). */
  repeat_mean: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/** The UTC day number of a date (days since 1970-01-01). */
export const utcDay = (at: Date) => Math.floor(at.getTime() / DAY_MS)

export function summarizeTransactions(
  transactions: Transaction[],
  /** Last day of the observation (inclusive; transactions after it are ignored). */
  end: Date,
  unitDays = 7
): CustomerSummary[] {
  const endDay = utcDay(end)
  const days = new Map<string, Map<number, number>>()
  for (const t of transactions) {
    const day = utcDay(t.at)
    if (day > endDay) continue
    let byDay = days.get(t.customer_id)
    if (!byDay) days.set(t.customer_id, (byDay = new Map()))
    byDay.set(day, (byDay.get(day) ?? 0) + t.amount)
  }
  const summaries: CustomerSummary[] = []
  for (const [customer_id, byDay] of days) {
    const sorted = [...byDay.keys()].sort((a, b) => a - b)
    const first = sorted[0]
    const last = sorted[sorted.length - 1]
    const repeats = sorted.slice(1).map((day) => byDay.get(day)!)
    summaries.push({
      customer_id,
      x: sorted.length - 1,
      tx: (last - first) / unitDays,
      T: (endDay - first) / unitDays,
      repeat_mean: repeats.length ? repeats.reduce((a, b) => a + b, 0) / repeats.length : 0,
    })
  }
  return summaries
}
