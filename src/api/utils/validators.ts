import { z } from "@medusajs/framework/zod"

/** `?limit=&offset=` for ledger pages: bounded so nobody can ask for a million rows. */
export const EntriesPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
})
export type EntriesPageQueryType = z.infer<typeof EntriesPageQuery>

/** The first and last instant a date in a request may name. */
const EARLIEST_DATE = Date.UTC(1900, 0, 1)
const LATEST_DATE = Date.UTC(10000, 0, 1) - 1

/**
 * A date in a request (an ISO string or epoch milliseconds), between the
 * years 1900 and 9999. A JavaScript date reaches 271,821 BC, where Postgres'
 * timestamps stop at 4713 BC: unbounded, `-8640000000000000` passed the
 * validator and came back from the insert as a 500. `name` is the field, for
 * the message.
 */
export const dateInput = (name: string) =>
  z.coerce.date().refine((date) => date.getTime() >= EARLIEST_DATE && date.getTime() <= LATEST_DATE, {
    message: `${name} must be a date between 1900-01-01 and 9999-12-31`,
  })
