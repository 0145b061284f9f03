import { MiddlewareRoute } from "@medusajs/framework/http"
import { resourceRoutes, validatedBody } from "../../../utils/middleware-routes"
import { AdminCampaignCost, AdminCreateCampaign, AdminCreateEarningRule, AdminPreviewCampaign, AdminUpdateCampaign } from "./validators"

/**
 * Admin campaign and earning-rule routes. The schedule preview has its own
 * path (`campaign-preview`): a body validator on `POST /campaigns/:id` would
 * also run on `POST /campaigns/preview`.
 */
export const adminCampaignMiddlewares: MiddlewareRoute[] = [
  ...resourceRoutes("/admin/loyalty/campaigns", { create: AdminCreateCampaign, update: AdminUpdateCampaign }),
  validatedBody("POST", "/admin/loyalty/campaign-preview", AdminPreviewCampaign),
  validatedBody("POST", "/admin/loyalty/campaign-cost", AdminCampaignCost),
  validatedBody("POST", "/admin/loyalty/earning-rules", AdminCreateEarningRule),
]
