/**
 * The budget and the per-customer cap of a campaign's awards, and its
 * results: pure pieces of the campaigns module's reservation and reports.
 */

/** What is left of a limit after `used` (never below 0); null when there is no limit. */
export function pointsLeft(limit: number | null, used: number): number | null {
  return limit === null ? null : Math.max(limit - used, 0)
}

/** The points an award gets: what was asked (whole, not negative), within every limit's points left (null: no limit). */
export function awardWithin(requested: number, ...left: (number | null)[]): number {
  return Math.min(Math.max(0, Math.floor(requested)), ...left.filter((n): n is number => n !== null))
}

/** Per-campaign results: the award sums' points, orders and customers across currencies, and the orders' amount by currency. */
export type CampaignResults = Pick<AwardSums, "campaign_id" | "points" | "orders" | "customers"> & { order_amounts: Record<string, string> }

/** One campaign's awards with points in one currency: their sums (`awardSums` in the module's SQL). */
export type AwardSums = { campaign_id: string; currency_code: string; points: number; orders: number; customers: number; amount: string }

/**
 * Each campaign's results from its per-currency sums, in the order asked (a
 * campaign without awards has zeros). An order is in one currency, so orders
 * add up across currencies; the customers are the largest count of any one
 * currency (the counts may share customers, so they are not added).
 */
export function campaignResultsOf(campaignIds: string[], sums: AwardSums[]): CampaignResults[] {
  return campaignIds.map((id) => {
    const mine = sums.filter((row) => row.campaign_id === id)
    return {
      campaign_id: id,
      points: mine.reduce((sum, row) => sum + row.points, 0),
      orders: mine.reduce((sum, row) => sum + row.orders, 0),
      customers: mine.reduce((most, row) => Math.max(most, row.customers), 0),
      order_amounts: Object.fromEntries(mine.map((row) => [row.currency_code, row.amount])),
    }
  })
}
