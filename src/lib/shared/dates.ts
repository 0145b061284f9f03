const DAY_MS = 24 * 60 * 60 * 1000

/** Accepts a Date or its ISO string: workflow step outputs arrive serialized. */
export function addDays(from: Date | string, days: number): Date {
  return new Date(new Date(from).getTime() + days * DAY_MS)
}

/**
 * Calendar months, clamped to the last day of the target month (Jan 31 + 1
 * month = Feb 28/29), which is what a shopper reads as "valid for N months".
 */
export function addMonths(from: Date | string, months: number): Date {
  const result = new Date(new Date(from).getTime())
  const day = result.getUTCDate()
  result.setUTCDate(1)
  result.setUTCMonth(result.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate()
  result.setUTCDate(Math.min(day, lastDay))
  return result
}

/** When points credited at `from` expire under the program; null = never. */
export function expiryDate(from: Date | string, expiryMonths: number): Date | null {
  return expiryMonths > 0 ? addMonths(from, expiryMonths) : null
}
