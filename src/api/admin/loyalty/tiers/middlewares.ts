import { MiddlewareRoute, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
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
  {
    method: ["POST"],
    matcher: "/admin/loyalty/tiers",
    middlewares: [validateAndTransformBody(AdminCreateTier)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/tiers/:id",
    middlewares: [validateAndTransformBody(AdminUpdateTier)],
  },
  {
    method: ["DELETE"],
    matcher: "/admin/loyalty/tiers/:id",
    middlewares: [validateAndTransformQuery(AdminDeleteTierQuery, {})],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/tier-order",
    middlewares: [validateAndTransformBody(AdminReorderTiers)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/tier-preview",
    middlewares: [validateAndTransformBody(AdminPreviewTiers)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/tier-settings",
    middlewares: [validateAndTransformBody(AdminUpdateTierSettings)],
  },
  {
    method: ["GET"],
    matcher: "/admin/loyalty/accounts/:customer_id/tier",
    middlewares: [validateAndTransformQuery(EntriesPageQuery, {})],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/accounts/:customer_id/tier/override",
    middlewares: [validateAndTransformBody(AdminSetTierOverride)],
  },
  {
    method: ["DELETE"],
    matcher: "/admin/loyalty/accounts/:customer_id/tier/override",
    middlewares: [validateAndTransformQuery(AdminEndTierOverrideQuery, {})],
  },
]
