import { MiddlewareRoute } from "@medusajs/framework/http"
import { resourceRoutes, validatedBody, validatedQuery } from "../../../utils/middleware-routes"
import { EntriesPageQuery } from "../../../utils/validators"
import {
  AdminCreateTier,
  AdminDeleteTierQuery,
  AdminEndTierOverrideQuery,
  AdminPreviewTiers,
  AdminReorderTiers,
  AdminSetTierOverride,
  AdminUpdateTier,
  AdminUpdateTierSettings,
} from "./validators"

/**
 * Admin tier routes. Collection actions live on their own paths
 * (`tier-order`, `tier-preview`, `tier-settings`) rather than under
 * `/tiers/<word>`: a body validator on `POST /tiers/:id` would also run on
 * `POST /tiers/reorder` and refuse its body.
 */
export const adminLoyaltyTierMiddlewares: MiddlewareRoute[] = [
  ...resourceRoutes("/admin/loyalty/tiers", { create: AdminCreateTier, update: AdminUpdateTier, delete: AdminDeleteTierQuery }),
  validatedBody("POST", "/admin/loyalty/tier-order", AdminReorderTiers),
  validatedBody("POST", "/admin/loyalty/tier-preview", AdminPreviewTiers),
  validatedBody("POST", "/admin/loyalty/tier-settings", AdminUpdateTierSettings),
  validatedQuery("GET", "/admin/loyalty/accounts/:customer_id/tier", EntriesPageQuery),
  validatedBody("POST", "/admin/loyalty/accounts/:customer_id/tier/override", AdminSetTierOverride),
  validatedQuery("DELETE", "/admin/loyalty/accounts/:customer_id/tier/override", AdminEndTierOverrideQuery),
]
