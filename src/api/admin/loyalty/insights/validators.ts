import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../../utils/validators"
import { LIFECYCLE_STAGES, MATRIX_SEGMENTS, RFM_SEGMENTS, VALUE_BANDS, VALUE_INDICATORS } from "../../../../lib/insights/rules"

const currencyRates = z
  .record(z.string(), z.number())
  .superRefine((map, ctx) => {
    for (const [code, value] of Object.entries(map)) {
      if (!/^[a-zA-Z]{3}$/.test(code)) {
        ctx.addIssue({ code: "custom", message: `"${code}" is not a 3-letter currency code such as usd` })
      } else if (!(value > 0) || value > 1_000_000) {
        ctx.addIssue({ code: "custom", message: `The rate for ${code} must be greater than 0 and at most 1000000` })
      }
    }
  })
  .transform((map) => Object.fromEntries(Object.entries(map).map(([code, value]) => [code.toLowerCase(), value])))

const valueWeights = z.strictObject(
  Object.fromEntries(VALUE_INDICATORS.map((key) => [key, z.number().min(0).max(100)])) as Record<
    (typeof VALUE_INDICATORS)[number],
    z.ZodNumber
  >
)

const segmentGroups = z
  .record(z.string(), z.string().trim().min(1).max(100))
  .superRefine((map, ctx) => {
    for (const segment of Object.keys(map)) {
      if (!(RFM_SEGMENTS as readonly string[]).includes(segment)) {
        ctx.addIssue({ code: "custom", message: `"${segment}" is not a segment (one of ${RFM_SEGMENTS.join(", ")})` })
      }
    }
  })

/** A change to the insight settings: any subset of the fields, nothing else. */
export const AdminUpdateInsightSettings = z
  .strictObject({
    currency_rates: currencyRates.optional(),
    acquisition_cost: z.number().min(0).max(1_000_000_000).optional(),
    annual_discount_rate: z.number().min(0).max(1).optional(),
    profit_margin: z.number().min(0).max(1).optional(),
    value_weights: valueWeights.optional(),
    segment_groups: segmentGroups.optional(),
    feedback_points: z.number().int().min(0).max(1_000_000).optional(),
    new_customer_days: z.number().int().min(1).max(365).optional(),
    lapse_days: z.number().int().min(7).max(3650).optional(),
    keep_runs: z.number().int().min(1).max(100).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one setting to change" })
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
