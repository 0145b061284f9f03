import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { LOYALTY_POINTS_MODULE } from "../../../modules/loyalty-points"
import type LoyaltyPointsModuleService from "../../../modules/loyalty-points/service"
import { insightsService } from "./resolve-service"

export const loadInsightContextStepId = "loyalty-load-insight-context-step"

/**
 * What a recompute needs besides the orders: the store's default currency,
 * the merchant's insight settings and the points' money value per currency
 * (for the liability). Reads only.
 */
export const loadInsightContextStep = createStep(loadInsightContextStepId, async (_: void, { container }) => {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "store",
    fields: ["supported_currencies.currency_code", "supported_currencies.is_default"],
  })
  const currencies = (data[0]?.supported_currencies ?? []).filter(Boolean)
  const currency =
    currencies.find((c) => c?.is_default)?.currency_code ?? currencies[0]?.currency_code ?? "usd"
  const settings = await insightsService(container).getSettings()
  const rules = await container.resolve<LoyaltyPointsModuleService>(LOYALTY_POINTS_MODULE).getProgramRules()
  return new StepResponse({
    currency_code: currency.toLowerCase(),
    settings,
    point_values: rules.point_values,
  })
})
