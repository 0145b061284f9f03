import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { AdminCampaignCost, AdminCreateCampaign, AdminCreateEarningRule, AdminPreviewCampaign, AdminUpdateCampaign } from "./validators"

/**
 * Admin campaign and earning-rule routes. The schedule preview has its own
 * path (`campaign-preview`): a body validator on `POST /campaigns/:id` would
 * also run on `POST /campaigns/preview`.
 */
export const adminCampaignMiddlewares: MiddlewareRoute[] = [
  { method: ["POST"], matcher: "/admin/loyalty/campaigns", middlewares: [validateAndTransformBody(AdminCreateCampaign)] },
  { method: ["POST"], matcher: "/admin/loyalty/campaigns/:id", middlewares: [validateAndTransformBody(AdminUpdateCampaign)] },
  { method: ["POST"], matcher: "/admin/loyalty/campaign-preview", middlewares: [validateAndTransformBody(AdminPreviewCampaign)] },
  { method: ["POST"], matcher: "/admin/loyalty/campaign-cost", middlewares: [validateAndTransformBody(AdminCampaignCost)] },
  { method: ["POST"], matcher: "/admin/loyalty/earning-rules", middlewares: [validateAndTransformBody(AdminCreateEarningRule)] },
]
