import { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_INSIGHTS_MODULE } from "../../../../modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../../../modules/loyalty-insights/service"

export const insightsModule = (scope: MedusaContainer) =>
  scope.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)

/** The newest succeeded run: what every insight read shows. */
export async function currentRun(scope: MedusaContainer) {
  return (await insightsModule(scope).latestRuns()).succeeded
}
