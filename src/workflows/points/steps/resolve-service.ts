import { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_POINTS_MODULE } from "../../../modules/loyalty-points"
import type LoyaltyPointsModuleService from "../../../modules/loyalty-points/service"

export const pointsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyPointsModuleService>(LOYALTY_POINTS_MODULE)
