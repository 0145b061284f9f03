import type { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_REFERRALS_MODULE } from "../../src/modules/loyalty-referrals"
import type LoyaltyReferralsModuleService from "../../src/modules/loyalty-referrals/service"

export const referralsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyReferralsModuleService>(LOYALTY_REFERRALS_MODULE)
