import { z } from "@medusajs/framework/zod"

/**
 * The liability report's query: how many months of movement, how far back the
 * breakage rate looks, and JSON or CSV (`section` picks the CSV: the figures
 * per currency an accountant books, or the movement per month).
 */
export const AdminLiabilityQuery = z.strictObject({
  months: z.coerce.number().int().min(1).max(120).default(12),
  window_months: z.coerce.number().int().min(1).max(120).default(12),
  format: z.enum(["json", "csv"]).default("json"),
  section: z.enum(["summary", "movement"]).default("summary"),
})
export type AdminLiabilityQueryType = z.infer<typeof AdminLiabilityQuery>
