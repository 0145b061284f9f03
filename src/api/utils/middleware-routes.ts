import { authenticate, MiddlewareRoute, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import type { z } from "@medusajs/framework/zod"

type Method = "GET" | "POST" | "DELETE"

/**
 * A route whose body `schema` validates: anything else is a 400 that names
 * the field, and the route reads `req.validatedBody`.
 */
export const validatedBody = (method: Method, matcher: string, schema: z.ZodType): MiddlewareRoute => ({
  method: [method],
  matcher,
  middlewares: [validateAndTransformBody(schema)],
})

/** A route whose query `schema` validates; the route reads `req.validatedQuery`. */
export const validatedQuery = (method: Method, matcher: string, schema: z.ZodType): MiddlewareRoute => ({
  method: [method],
  matcher,
  middlewares: [validateAndTransformQuery(schema, {})],
})

/**
 * The validators of one admin resource, written once for the collection and
 * its items: `create` on `POST <collection>`, `update` on `POST <collection>/:id`
 * and, where deleting takes options, `delete` on the query of
 * `DELETE <collection>/:id`.
 */
export const resourceRoutes = (
  collection: string,
  schemas: { create: z.ZodType; update: z.ZodType; delete?: z.ZodType }
): MiddlewareRoute[] => [
  validatedBody("POST", collection, schemas.create),
  validatedBody("POST", `${collection}/:id`, schemas.update),
  ...(schemas.delete ? [validatedQuery("DELETE", `${collection}/:id`, schemas.delete)] : []),
]

/** Routes under `matcher` (a prefix with `*`) for a logged-in customer only, by session or bearer token. */
export const customerOnly = (matcher: string): MiddlewareRoute => ({
  matcher,
  middlewares: [authenticate("customer", ["session", "bearer"])],
})
