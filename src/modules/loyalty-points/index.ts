import { Module } from "@medusajs/framework/utils"
import LoyaltyPointsModuleService from "./service"

export const LOYALTY_POINTS_MODULE = "loyalty_points"

export default Module(LOYALTY_POINTS_MODULE, {
  service: LoyaltyPointsModuleService,
})

export * from "./types"
export { default as LoyaltyPointsModuleService } from "./service"
