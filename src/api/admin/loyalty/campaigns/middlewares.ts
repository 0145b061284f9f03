import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedBody } from "../../../utils/middleware-routes"
import { AdminCampaignCost, AdminCreateCampaign, AdminCreateEarningRule, AdminPreviewCampaign, AdminUpdateCampaign } from "./validators"

/**
 * Admin campaign and earning-rule routes. The schedule preview has its own
 * path (`campaign-preview`): a body validator on `POST /campaigns/:id` would
 * also run on `POST /campaigns/preview`.
 */
export const adminCampaignMiddlewares: MiddlewareRoute[] = [
  validatedBody("POST", "/admin/loyalty/campaigns", AdminCreateCampaign),
  validatedBody("POST", "/admin/loyalty/campaigns/:id", AdminUpdateCampaign),
  validatedBody("POST", "/admin/loyalty/campaign-preview", AdminPreviewCampaign),
  validatedBody("POST", "/admin/loyalty/campaign-cost", AdminCampaignCost),
  validatedBody("POST", "/admin/loyalty/earning-rules", AdminCreateEarningRule),
]
