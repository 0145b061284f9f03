import { Module } from "@medusajs/framework/utils"
import LoyaltyReferralsModuleService from "./service"

export const LOYALTY_REFERRALS_MODULE = "loyalty_referrals"

export default Module(LOYALTY_REFERRALS_MODULE, {
  service: LoyaltyReferralsModuleService,
})

export * from "./types"
export { default as LoyaltyReferralsModuleService } from "./service"
