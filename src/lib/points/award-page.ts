import { CampaignSchedule, inWindow } from "../campaigns/schedule"
import { EarningRule } from "../campaigns/rules"
import { POINTS_CREDIT_LINE_REFERENCE } from "./earning"
import { EarningTier, OrderEarning, orderEarning, OrderForPoints } from "./order-points"
import { ProgramRules } from "./program"

/** Why the earnings catch-up's page leaves an order to the per-order award. */
export type AwardDeferral = "not-a-member" | "paid-with-points" | "campaign" | "after-deferred"

export type AwardPageInput = {
  /** The page's orders as the per-order award reads them (lines with their product facts when earning rules exist). */
  orders: OrderForPoints[]
  rules: ProgramRules
  /** Each order's earning tier (its customer's at its placement), in the order of `orders`. */
  tiers: (EarningTier | null)[]
  /** The published campaigns whose window meets the page's placement times (`listEarningTermsBetween`). */
  campaigns: Pick<CampaignSchedule, "starts_at" | "ends_at">[]
  /** Every per-product earning rule. */
  earning_rules: EarningRule[]
}

export type AwardPagePlan = {
  /** The orders the page awards, each with what it earns, in the page's order. */
  awards: { order: OrderForPoints; earning: OrderEarning }[]
  /** The orders left to `awardOrderPointsWorkflow`, in the page's order, and why. */
  deferred: { order_id: string; why: AwardDeferral }[]
}

/**
 * What a page of missed orders earns, by the per-order award's own rule
 * (`orderEarning`, with the same tier, program rules and per-product earning
 * rules), for the orders whose award is that rule and a pending entry only.
 * The others are left to the per-order award, which does more than that:
 * - an order that earns nothing (not a member's, a draft): the per-order
 *   award decides (it still keeps a guest's order facts);
 * - an order paid partly with points: its checkout's debit is attached to the
 *   order first (`attachCartRedemptionStep`, which reads the cart);
 * - an order placed while a campaign's window was open: its campaigns are
 *   planned under the stacking policy and reserved against their budgets and
 *   per-customer caps, one order at a time under its award lock. Deferred on
 *   the window alone (a recurring campaign may not have run that day): when
 *   in doubt the per-order path, never an approximation;
 * - a customer's orders after one of theirs that is left to the per-order
 *   award: the page writes before the per-order runs, so a member's awards
 *   (entries, events) keep the page's order, as one by one.
 */
export function planAwardPage(input: AwardPageInput): AwardPagePlan {
  const plan: AwardPagePlan = { awards: [], deferred: [] }
  // Customers with an order left to the per-order award: their later orders of the page follow it there.
  const held = new Set<string>()
  input.orders.forEach((order, i) => {
    const why = deferralOf(order, input.campaigns) ?? (order.customer_id && held.has(order.customer_id) ? "after-deferred" : null)
    if (why) {
      plan.deferred.push({ order_id: order.id, why })
      if (order.customer_id) held.add(order.customer_id)
      return
    }
    const earning = orderEarning(order, input.rules, input.tiers[i] ?? null, {
      earning_rules: input.earning_rules,
      campaigns: [],
      sales_channel_id: order.sales_channel_id ?? null,
      customer_group_ids: [],
      segments: [],
    })
    if (earning) return void plan.awards.push({ order, earning })
    plan.deferred.push({ order_id: order.id, why: "not-a-member" })
    if (order.customer_id) held.add(order.customer_id)
  })
  return plan
}

/** Why an order is left to the per-order award (null: the page awards it). */
export function deferralOf(
  order: Pick<OrderForPoints, "customer_id" | "is_member" | "status" | "credit_lines" | "created_at">,
  campaigns: Pick<CampaignSchedule, "starts_at" | "ends_at">[]
): AwardDeferral | null {
  if (!order.customer_id || !order.is_member || order.status === "draft") return "not-a-member"
  if (order.credit_lines.some((line) => line.reference === POINTS_CREDIT_LINE_REFERENCE)) return "paid-with-points"
  if (campaigns.some((campaign) => inWindow(campaign, order.created_at))) return "campaign"
  return null
}
