import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { computeEarning, EarnableCreditLine, EarnableItem } from "../points/earning"
import { campaignExtra, CampaignDefinition, campaignMismatch, coversLine, EarningRule, lineFactor } from "./rules"

/** A past order as the cost estimate reads it. */
export type PastOrder = {
  id: string
  created_at: Date | string
  currency_code: string
  customer_id: string
  total: BigNumberInput
  items: EarnableItem[]
  credit_lines: EarnableCreditLine[]
  sales_channel_id: string | null
  customer_group_ids: string[]
  tier_id: string | null
  segments: string[]
}

export type CampaignCost = {
  /** Members' orders in the period that were looked at. */
  orders: number
  /** Orders the campaign would have reached, and their customers. */
  orders_reached: number
  customers_reached: number
  /** Points it would have added (alone: before stacking with tiers and other campaigns), within its budget and cap. */
  points: number
  /** Whether the budget would have run out in the period. */
  budget_exhausted: boolean
}

/**
 * What a campaign would have cost on past orders: for each member's order,
 * in the order it was placed, the points the campaign alone would have added
 * (its schedule, targeting and product rules as earning applies them),
 * held within its per-customer cap and its budget. Stacking with the tier
 * multiplier and other campaigns is left out, so this is the campaign's
 * cost on its own.
 */
export function campaignCost(
  campaign: CampaignDefinition,
  orders: PastOrder[],
  rates: Record<string, number>,
  earningRules: EarningRule[]
): CampaignCost {
  const byCustomer = new Map<string, number>()
  const reached = new Set<string>()
  let points = 0
  let ordersReached = 0
  let budgetExhausted = false
  const sorted = [...orders].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
  for (const order of sorted) {
    const rate = rates[order.currency_code.toLowerCase()]
    if (!(rate > 0)) continue
    const items = order.items.map((item, i) => ({ ...item, id: item.id ?? `line-${i}`, factor: lineFactor(earningRules, item) }))
    const breakdown = computeEarning({ items, total: order.total, credit_lines: order.credit_lines, rate })
    const covered = items.filter((item) => !item.is_giftcard && item.factor > 0 && coversLine(campaign, { ...item, net: 0 }))
    const mismatch = campaignMismatch(
      campaign,
      {
        at: order.created_at,
        currency_code: order.currency_code,
        sales_channel_id: order.sales_channel_id,
        tier_id: order.tier_id,
        customer_group_ids: order.customer_group_ids,
        segments: order.segments,
      },
      breakdown.items_net,
      covered.map((item) => item.id)
    )
    if (mismatch !== null) continue
    const amount = covered.reduce(
      (sum, item) =>
        MathBN.add(sum, MathBN.mult(MathBN.mult(MathBN.sub(item.subtotal, item.discount_subtotal ?? 0), item.factor), breakdown.cash_share)),
      MathBN.convert(0)
    )
    let extra = Math.max(0, Math.floor(campaignExtra(campaign, amount, rate, order.currency_code) + 1e-9))
    if (campaign.per_customer_cap !== null) {
      extra = Math.min(extra, Math.max(campaign.per_customer_cap - (byCustomer.get(order.customer_id) ?? 0), 0))
    }
    if (campaign.budget_points !== null) {
      const left = Math.max(campaign.budget_points - points, 0)
      if (extra >= left && extra > 0) budgetExhausted = true
      extra = Math.min(extra, left)
    }
    if (extra <= 0) continue
    points += extra
    ordersReached++
    reached.add(order.customer_id)
    byCustomer.set(order.customer_id, (byCustomer.get(order.customer_id) ?? 0) + extra)
  }
  return { orders: orders.length, orders_reached: ordersReached, customers_reached: reached.size, points, budget_exhausted: budgetExhausted }
}
