import { defineMiddlewares } from "@medusajs/framework/http"
import { adminCampaignMiddlewares } from "./admin/loyalty/campaigns/middlewares"
import { adminActionMiddlewares } from "./admin/loyalty/actions/middlewares"
import { adminExportMiddlewares } from "./admin/loyalty/exports/middlewares"
import { adminLiabilityMiddlewares } from "./admin/loyalty/liability/middlewares"
import { adminInsightsMiddlewares } from "./admin/loyalty/insights/middlewares"
import { adminMemberImportMiddlewares } from "./admin/loyalty/imports/middlewares"
import { adminLoyaltyMiddlewares } from "./admin/loyalty/middlewares"
import { adminOrderChangeCancelMiddlewares, adminOrderCreditLineMiddlewares } from "./admin/orders/middlewares"
import { adminLoyaltyTierMiddlewares } from "./admin/loyalty/tiers/middlewares"
import { adminReferralMiddlewares } from "./admin/loyalty/referrals/middlewares"
import { adminWhatIfMiddlewares } from "./admin/loyalty/what-if/middlewares"
import { storeCartLoyaltyMiddlewares } from "./store/carts/middlewares"
import { storeFeedbackMiddlewares } from "./store/loyalty/feedback/middlewares"
import { storeLoyaltyMiddlewares } from "./store/loyalty/middlewares"
import { storeReferralMiddlewares } from "./store/loyalty/referral/middlewares"
import { requestGuardMiddlewares } from "./utils/request-guards"

export default defineMiddlewares({
  routes: [
    ...requestGuardMiddlewares,
    ...adminLoyaltyMiddlewares,
    ...adminActionMiddlewares,
    ...adminInsightsMiddlewares,
    ...adminLiabilityMiddlewares,
    ...adminMemberImportMiddlewares,
    ...adminExportMiddlewares,
    ...adminCampaignMiddlewares,
    ...adminLoyaltyTierMiddlewares,
    ...adminReferralMiddlewares,
    ...adminWhatIfMiddlewares,
    ...adminOrderCreditLineMiddlewares,
    ...adminOrderChangeCancelMiddlewares,
    ...storeLoyaltyMiddlewares,
    ...storeFeedbackMiddlewares,
    ...storeCartLoyaltyMiddlewares,
    ...storeReferralMiddlewares,
  ],
})
