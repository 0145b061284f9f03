import { z } from "@medusajs/framework/zod"

/** What can be exported, one CSV each (`GET /admin/loyalty/exports/:kind`). */
export const EXPORT_KINDS = ["accounts", "entries", "referrals", "tiers", "insights"] as const
export type ExportKind = (typeof EXPORT_KINDS)[number]

/** The kinds a period (`from`, `to`) applies to: the ledger by entry date, referrals by claim date. */
export const PERIOD_KINDS: readonly ExportKind[] = ["entries", "referrals"]

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** An ISO date (`2026-11-30`) or date-time; anything else is a 400 that names it. */
const isoDate = (name: string) =>
  z
    .string()
    .refine((text) => (DAY.test(text) || /^\d{4}-\d{2}-\d{2}T/.test(text)) && !Number.isNaN(new Date(text).getTime()), {
      message: `${name} must be a date such as 2026-11-30 or 2026-11-30T12:00:00Z`,
    })

/**
 * An export's period: `from` inclusive, `to` inclusive (a bare date means
 * through the end of that day, UTC), turned into a half-open range.
 */
export const AdminExportQuery = z
  .strictObject({ from: isoDate("from").optional(), to: isoDate("to").optional() })
  .transform(({ from, to }) => ({
    from: from ? new Date(from) : null,
    to: to ? new Date(new Date(to).getTime() + (DAY.test(to) ? 86_400_000 : 1)) : null,
  }))
  .refine(({ from, to }) => !from || !to || from < to, { message: "from must be before to" })
export type AdminExportQueryType = z.infer<typeof AdminExportQuery>
