import { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_INSIGHTS_MODULE } from "../../../modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../../modules/loyalty-insights/service"

export const insightsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)
