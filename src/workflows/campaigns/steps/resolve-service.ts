import { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_CAMPAIGNS_MODULE } from "../../../modules/loyalty-campaigns"
import type LoyaltyCampaignsModuleService from "../../../modules/loyalty-campaigns/service"

export const campaignsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyCampaignsModuleService>(LOYALTY_CAMPAIGNS_MODULE)
