import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { DateTime } from "luxon"
import { campaignCost, PastOrder } from "../../../../lib/campaigns/cost"
import { CampaignDefinition, targetingOf, termsProblems } from "../../../../lib/campaigns/rules"
import { scheduleProblems } from "../../../../lib/campaigns/schedule"
import { insightSegments } from "../../../../lib/insights/segments"
import { earnableCreditLineOf, earnableItemOf, GraphLineItem, GraphProductLine, lineProductFactsOf, presentOf } from "../../../../lib/points/graph-inputs"
import { LOYALTY_INSIGHTS_MODULE } from "../../../../modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../../../modules/loyalty-insights/service"
import { tiersModule } from "../../../utils/tier-views"
import { pointsModule } from "../../../utils/views"
import { campaignsModule } from "../campaigns/views"
import { AdminCampaignCostType } from "../campaigns/validators"

/** At most this many orders are looked at (the most recent of the period first). */
const MAX_ORDERS = 2000

const ORDER_FIELDS = [
  "id",
  "created_at",
  "currency_code",
  "status",
  "customer_id",
  "customer.has_account",
  "customer.groups.id",
  "sales_channel_id",
  "total",
  "items.id",
  "items.subtotal",
  "items.discount_subtotal",
  "items.is_giftcard",
  "items.product_id",
  "items.product.collection_id",
  "items.product.categories.id",
  "credit_lines.amount",
  "credit_lines.reference",
]

/**
 * What a campaign being edited would have cost on past orders (by default
 * last calendar month in its time zone): members' orders it would have
 * reached and the points it alone would have added, within its budget and
 * cap (`campaignCost`). Nothing is saved.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminCampaignCostType>, res: MedusaResponse) {
  const body = req.validatedBody
  const service = campaignsModule(req.scope)
  const timeZone = body.time_zone ?? service.defaultTimeZone()
  const lastMonth = DateTime.now().setZone(timeZone).startOf("month").minus({ months: 1 })
  const from = body.from ?? lastMonth.toJSDate()
  const to = body.to ?? lastMonth.plus({ months: 1 }).toJSDate()
  const campaign: CampaignDefinition = {
    campaign_id: "preview",
    version: 0,
    name: body.name,
    type: body.type,
    value: body.value ?? 0,
    rates: body.rates ?? null,
    min_order_amounts: body.min_order_amounts ?? null,
    stacking: body.stacking ?? "best_wins",
    stack_cap: body.stack_cap ?? null,
    priority: body.priority ?? 0,
    status: "live",
    starts_at: body.starts_at ?? null,
    ends_at: body.ends_at ?? null,
    recurrence: body.recurrence ?? null,
    time_zone: timeZone,
    ...targetingOf(body),
    budget_points: body.budget_points ?? null,
    per_customer_cap: body.per_customer_cap ?? null,
  }
  const problems = [...termsProblems(campaign), ...scheduleProblems(campaign)]
  if (problems.length) throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))

  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const [{ data }, rules, earningRules] = await Promise.all([
    query.graph({
      entity: "order",
      fields: ORDER_FIELDS,
      filters: { created_at: { $gte: from, $lt: to } },
      pagination: { take: MAX_ORDERS, order: { created_at: "DESC" } },
    }),
    pointsModule(req.scope).getProgramRules(),
    service.listEarningRuleTerms(),
  ])
  const members = data.filter((o) => o.customer_id && o.customer?.has_account && o.status !== "canceled" && o.status !== "draft")
  const customers = [...new Set(members.map((o) => o.customer_id!))]
  const tiers = new Map<string, string | null>()
  if (campaign.tier_ids.length) {
    for (const id of customers) tiers.set(id, (await tiersModule(req.scope).effectiveTier(id, to))?.id ?? null)
  }
  const segments = new Map<string, string[]>()
  if (campaign.segments.length) {
    const insights = req.scope.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)
    for (const id of customers) {
      const { insight } = await insights.customerInsight(id)
      segments.set(id, insight ? insightSegments(insight) : [])
    }
  }
  const orders: PastOrder[] = members.map((o) => ({
    id: o.id,
    created_at: o.created_at as unknown as string,
    currency_code: o.currency_code,
    customer_id: o.customer_id!,
    total: o.total ?? 0,
    items: presentOf<GraphLineItem & GraphProductLine>(o.items).map((item) => ({ ...earnableItemOf(item), ...lineProductFactsOf(item) })),
    credit_lines: presentOf(o.credit_lines).map(earnableCreditLineOf),
    sales_channel_id: o.sales_channel_id ?? null,
    customer_group_ids: presentOf<{ id: string }>(o.customer?.groups).map((group) => group.id),
    tier_id: tiers.get(o.customer_id!) ?? null,
    segments: segments.get(o.customer_id!) ?? [],
  }))
  res.json({
    from,
    to,
    time_zone: timeZone,
    truncated: data.length >= MAX_ORDERS,
    cost: campaignCost(campaign, orders, rules.earn_rates, earningRules),
  })
}
