import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"

/**
 * An id in one of the plugin's paths: what Medusa ids look like (`cus_01H…`,
 * `ltier_…`), so that nothing else (a NUL byte, a 5 kB string) ever reaches
 * a query and comes back as a 500.
 */
export const PathId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/)

/** The key a client sends to make a write safe to retry; the ledger stores it in a unique index. */
export const IdempotencyKeyHeader = z.string().regex(/^[\x20-\x7e]{1,255}$/)

/** Path parameters that name a Medusa record: the route is a 404 when it does not exist. */
const ENTITY_OF_PARAM: Record<string, "customer" | "order"> = { customer_id: "customer", order_id: "order" }

/**
 * Checks every path parameter of a plugin route: a malformed id is a 400, a
 * customer or order that does not exist (or was deleted) a 404, before the
 * route does anything. Routes with their own records (rewards, tiers,
 * referrals, runs, carts) answer 404 themselves.
 */
export async function validatePathIds(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    if (!PathId.safeParse(value).success) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Invalid ${name} in the path: an id is 1 to 100 letters, digits, "_" or "-"`
      )
    }
  }
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  for (const [name, entity] of Object.entries(ENTITY_OF_PARAM)) {
    const id = req.params?.[name]
    if (!id) continue
    const { data } = await query.graph({ entity, fields: ["id"], filters: { id } })
    if (!data.length) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `${entity === "customer" ? "Customer" : "Order"} ${id} was not found`)
    }
  }
  next()
}

/** An `Idempotency-Key` header, when sent, is 1 to 255 printable characters: a 400 otherwise. */
export function validateIdempotencyKey(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  const key = req.get("idempotency-key")
  if (key !== undefined && !IdempotencyKeyHeader.safeParse(key).success) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "The Idempotency-Key header must be 1 to 255 printable characters"
    )
  }
  next()
}

/**
 * One guard for every plugin route that takes an id, and for every plugin
 * route that reads `Idempotency-Key`. The matchers are prefixes (no method),
 * so sub-routes are covered too.
 */
export const requestGuardMiddlewares: MiddlewareRoute[] = [
  ...[
    "/admin/loyalty/accounts/:customer_id",
    "/admin/loyalty/orders/:order_id",
    "/admin/loyalty/rewards/:id",
    "/admin/loyalty/tiers/:id",
    "/admin/loyalty/referrals/:id",
    "/admin/loyalty/insights/customers/:customer_id",
    "/admin/loyalty/insights/runs/:id",
    "/store/carts/:id/loyalty",
  ].map((matcher) => ({ matcher, middlewares: [validatePathIds] })),
  ...["/admin/loyalty", "/store/loyalty", "/store/carts/:id/loyalty"].map((matcher) => ({
    matcher,
    middlewares: [validateIdempotencyKey],
  })),
]
