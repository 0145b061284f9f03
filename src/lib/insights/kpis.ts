import type { KpiMetrics } from "../../modules/loyalty-insights/types"

/**
 * Program KPIs from the monthly counts the insights SQL returns. Definitions
 * (all per calendar month, UTC):
 *
 * - active rate = customers with an order in the month / customers who existed by its end
 * - repeat-purchase rate = ordering customers who had ordered before the month / ordering customers
 * - retention = ordering customers who also ordered in the previous month / previous month's ordering customers
 * - purchase frequency = orders / ordering customers; average order value = revenue / orders with a value
 *   (an order in a currency with no rate to the reporting currency counts as an order, not in revenue)
 * - points issued = pending + earn + positive adjustments; redemption rate = redeemed / issued (month)
 * - breakage = points expired to date / (redeemed + expired to date): the share of spent-or-lost points that were lost
 * - liability = outstanding points (available + pending) at month end × point value, per currency
 * - referral conversion = referrals claimed in the month that are rewarded by now / referrals claimed in the month
 * - NPS = (promoters − detractors) / responses × 100, promoters 9–10, detractors 0–6
 */
export type KpiCounts = {
  customers: number
  new_customers: number
  members: number
  new_members: number
  active_customers: number
  orders: number
  revenue: number
  /** Orders whose value is in `revenue` (their currency has a rate): the average order value's denominator. */
  valued_orders: number
  repeat_customers: number
  retained_customers: number
  previous_month_customers: number
  feedback: { responses: number; promoters: number; detractors: number }
  points: {
    issued: number
    redeemed: number
    expired: number
    issued_to_date: number
    redeemed_to_date: number
    expired_to_date: number
    outstanding: number
  } | null
  /** Referrals claimed in the month, how many of those are rewarded by now, rewards paid in the month. */
  referrals: { made: number; converted: number; rewarded: number } | null
  point_values: Record<string, number>
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null)
const round = (value: number | null, digits = 4) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits

export function kpiMetrics(c: KpiCounts): KpiMetrics {
  const points = c.points
  return {
    customers: c.customers,
    members: c.members,
    new_members: c.new_members,
    active_customers: c.active_customers,
    active_rate: round(ratio(c.active_customers, c.customers)),
    orders: c.orders,
    revenue: round(c.revenue, 2) ?? 0,
    repeat_customers: c.repeat_customers,
    repeat_purchase_rate: round(ratio(c.repeat_customers, c.active_customers)),
    retained_customers: c.retained_customers,
    previous_month_customers: c.previous_month_customers,
    retention_rate: round(ratio(c.retained_customers, c.previous_month_customers)),
    purchase_frequency: round(ratio(c.orders, c.active_customers)),
    average_order_value: round(ratio(c.revenue, c.valued_orders), 2),
    points_issued: points ? points.issued : null,
    points_redeemed: points ? points.redeemed : null,
    points_expired: points ? points.expired : null,
    redemption_rate: points ? round(ratio(points.redeemed, points.issued)) : null,
    breakage: points ? round(ratio(points.expired_to_date, points.redeemed_to_date + points.expired_to_date)) : null,
    outstanding_points: points ? points.outstanding : null,
    liability: points
      ? Object.fromEntries(
          Object.entries(c.point_values).map(([code, value]) => [code, round(points.outstanding * value, 2) ?? 0])
        )
      : null,
    referrals_made: c.referrals ? c.referrals.made : null,
    referrals_rewarded: c.referrals ? c.referrals.rewarded : null,
    referral_conversion: c.referrals ? round(ratio(c.referrals.converted, c.referrals.made)) : null,
    feedback_count: c.feedback.responses,
    nps: round(
      c.feedback.responses > 0 ? ((c.feedback.promoters - c.feedback.detractors) / c.feedback.responses) * 100 : null,
      1
    ),
  }
}
