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

/**
 * Where in `value` (a request's parsed query or JSON body) a string or a key
 * holds a NUL character, as a path (`body.comment`, `query.customer_id`,
 * `body.metadata.a`), or null. Postgres stores no NUL in `text` or `jsonb`:
 * one that reached a query would come back as a 500. Walks level by level
 * with a queue of its own, so a deeply nested body cannot overflow the call
 * stack.
 */
export function nulCharacterAt(value: unknown, where: string): string | null {
  const pending: [unknown, string][] = [[value, where]]
  for (let next = 0; next < pending.length; next++) {
    const [item, at] = pending[next]
    if (typeof item === "string") {
      if (item.includes("\u0000")) return at
    } else if (Array.isArray(item)) {
      item.forEach((child, i) => pending.push([child, `${at}[${i}]`]))
    } else if (item && typeof item === "object") {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes("\u0000")) return `a key of ${at}`
        pending.push([child, `${at}.${key}`])
      }
    }
  }
  return null
}

/** A segment of a plugin path: a route's own name or an id, both 1 to 100 letters, digits, "_" or "-". */
const PATH_SEGMENT = /^[A-Za-z0-9_-]{1,100}$/

/**
 * Every request to the plugin's routes, before any of them reads it: a path
 * segment that is neither a route's name nor an id (`x%00y`, a 5 kB string)
 * is a 400, and so is a NUL character anywhere in the query or the JSON
 * body. One guard for every route, present and future, instead of a check
 * per field: what Postgres cannot store never reaches a query.
 */
export function validateStorableRequest(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  const path = req.originalUrl.split("?")[0]
  for (const segment of path.split("/")) {
    if (segment && !PATH_SEGMENT.test(segment)) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        'Invalid id in the path: an id is 1 to 100 letters, digits, "_" or "-"'
      )
    }
  }
  const at = nulCharacterAt(req.query, "query") ?? nulCharacterAt(req.body, "body")
  if (at) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `${at} holds a NUL character (\\u0000), which cannot be stored`)
  }
  next()
}

/** Path parameters that name a Medusa record: the route is a 404 when it does not exist. */
const ENTITY_OF_PARAM: Record<string, "customer" | "order"> = { customer_id: "customer", order_id: "order" }

/**
 * A customer or order named in a plugin route's path that does not exist (or
 * was deleted) is a 404 before the route does anything, so that no route
 * opens an account for a customer who is not there. The id's form was
 * checked by `validateStorableRequest`; routes with their own records
 * (rewards, tiers, referrals, runs, carts) answer 404 themselves.
 */
export async function validatePathRecords(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
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
 * The guards every plugin route passes: what cannot be stored, and a
 * malformed `Idempotency-Key`, on every route; customers and orders that do
 * not exist on the routes that name one. The matchers are prefixes (no
 * method), so sub-routes are covered too.
 */
export const requestGuardMiddlewares: MiddlewareRoute[] = [
  ...["/admin/loyalty/accounts/:customer_id", "/admin/loyalty/orders/:order_id", "/admin/loyalty/insights/customers/:customer_id"].map(
    (matcher) => ({ matcher, middlewares: [validatePathRecords] })
  ),
  ...["/admin/loyalty", "/store/loyalty", "/store/carts/:id/loyalty"].map((matcher) => ({
    matcher,
    middlewares: [validateStorableRequest, validateIdempotencyKey],
  })),
]
