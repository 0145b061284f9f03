import { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_TIERS_MODULE } from "../../../modules/loyalty-tiers"
import type LoyaltyTiersModuleService from "../../../modules/loyalty-tiers/service"

export const tiersService = (container: MedusaContainer) =>
  container.resolve<LoyaltyTiersModuleService>(LOYALTY_TIERS_MODULE)
