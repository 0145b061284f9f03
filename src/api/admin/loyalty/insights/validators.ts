import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../../utils/validators"
import { LIFECYCLE_STAGES, MATRIX_SEGMENTS, RFM_SEGMENTS, VALUE_BANDS } from "../../../../lib/insights/rules"
import { InsightSettingsFields } from "../../../../lib/shared/settings-fields"

/** A change to the insight settings: any subset of the fields, nothing else. */
export const AdminUpdateInsightSettings = InsightSettingsFields.refine((body) => Object.keys(body).length > 0, { message: "Send at least one setting to change" })
export type AdminUpdateInsightSettingsType = z.infer<typeof AdminUpdateInsightSettings>

/** "Recompute now"; `as_of` recomputes as of another day (back-fills, tests). */
export const AdminRecomputeInsights = z.strictObject({
  as_of: dateInput("as_of").optional(),
})
export type AdminRecomputeInsightsType = z.infer<typeof AdminRecomputeInsights>

export const AdminInsightCustomersQuery = z.strictObject({
  rfm_segment: z.enum(RFM_SEGMENTS).optional(),
  matrix_segment: z.enum(MATRIX_SEGMENTS).optional(),
  lifecycle_stage: z.enum(LIFECYCLE_STAGES).optional(),
  value_band: z.enum(VALUE_BANDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  format: z.enum(["json", "csv"]).default("json"),
})
export type AdminInsightCustomersQueryType = z.infer<typeof AdminInsightCustomersQuery>
