import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { CampaignInputs } from "../../../lib/campaigns/earning"
import { insightSegments } from "../../../lib/insights/segments"
import { GraphProductLine, LineProductFacts, lineProductFactsOf, presentOf } from "../../../lib/points/graph-inputs"
import { LOYALTY_INSIGHTS_MODULE } from "../../../modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../../modules/loyalty-insights/service"
import { campaignsService } from "./resolve-service"

export type { LineProductFacts }

export type CampaignFacts = {
  inputs: CampaignInputs
  /** Line id → its product's facts. */
  lines: Record<string, LineProductFacts>
}

type ItemGraph = ({ id: string } & GraphProductLine) | null

/**
 * What earning needs to know besides an order's or cart's money: the
 * per-product rules, the campaigns whose window contains `at`, and the facts
 * they target (lines' products, collections and categories; the sales
 * channel; the customer's groups and insight segments). One read of the
 * campaigns and rules; one `query.graph` read of the order or cart, only
 * when there is a campaign or a rule; the segments only when a campaign
 * targets segments.
 */
export async function loadCampaignFacts(
  container: MedusaContainer,
  input: { entity: "order" | "cart"; id: string; customer_id: string | null; at: Date | string }
): Promise<CampaignFacts> {
  const service = campaignsService(container)
  const { campaigns, earning_rules: earningRules } = await service.listEarningTerms(new Date(input.at))
  const inputs: CampaignInputs = {
    earning_rules: earningRules,
    campaigns,
    sales_channel_id: null,
    customer_group_ids: [],
    segments: [],
  }
  if (!campaigns.length && !earningRules.length) return { inputs, lines: {} }

  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: input.entity,
    fields: [
      "id",
      "sales_channel_id",
      "customer.groups.id",
      "items.id",
      "items.product_id",
      "items.product.collection_id",
      "items.product.categories.id",
    ],
    filters: { id: input.id },
  })
  const record = data[0] as
    | { sales_channel_id?: string | null; customer?: { groups?: ({ id: string } | null)[] | null } | null; items?: ItemGraph[] | null }
    | undefined
  const lines: Record<string, LineProductFacts> = {}
  for (const item of presentOf(record?.items)) {
    lines[item.id] = lineProductFactsOf(item)
  }
  inputs.sales_channel_id = record?.sales_channel_id ?? null
  inputs.customer_group_ids = presentOf(record?.customer?.groups).map((group) => group.id)
  if (input.customer_id && campaigns.some((c) => c.segments.length > 0)) {
    const insights = container.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)
    const { insight } = await insights.customerInsight(input.customer_id)
    inputs.segments = insight ? insightSegments(insight) : []
  }
  return { inputs, lines }
}

/** Items with their product facts added (by line id), as the earning rules read them. */
export function withLineFacts<T extends { id?: string }>(items: T[], facts: Pick<CampaignFacts, "lines"> | null): T[] {
  if (!facts) return items
  return items.map((item) => (item.id && facts.lines[item.id] ? { ...item, ...facts.lines[item.id] } : item))
}
