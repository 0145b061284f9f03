import { z } from "@medusajs/framework/zod"

/** `?limit=&offset=` for ledger pages: bounded so nobody can ask for a million rows. */
export const EntriesPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
})
export type EntriesPageQueryType = z.infer<typeof EntriesPageQuery>
