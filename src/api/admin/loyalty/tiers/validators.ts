import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../../utils/validators"
import { TIER_LIMITS, TIER_METRICS } from "../../../../lib/tiers/rules"
import { TierSettingsFields } from "../../../../lib/shared/settings-fields"

/**
 * Money per currency (`{ eur: 500, usd: 550 }`). Keys and values are checked
 * in one refinement so the 400 names the currency that is wrong; Medusa's
 * validator replaces zod's own messages for records with a generic one.
 */
const spendThresholds = z
  .record(z.string(), z.number())
  .superRefine((map, ctx) => {
    for (const [code, value] of Object.entries(map)) {
      if (!/^[a-zA-Z]{3}$/.test(code)) {
        ctx.addIssue({ code: "custom", message: `spend_thresholds: "${code}" is not a 3-letter currency code such as eur` })
      } else if (!(value > 0) || value > TIER_LIMITS.max_threshold) {
        ctx.addIssue({
          code: "custom",
          message: `spend_thresholds: the ${code.toUpperCase()} threshold must be more than 0 and at most ${TIER_LIMITS.max_threshold}`,
        })
      }
    }
  })
  .transform((map) => Object.fromEntries(Object.entries(map).map(([code, value]) => [code.toLowerCase(), value])))

const tierFields = {
  name: z.string().trim().min(1).max(100),
  rank: z.number().int().min(1).max(1000),
  metric: z.enum(TIER_METRICS),
  threshold: z.number().int().min(1).max(TIER_LIMITS.max_threshold).nullable(),
  spend_thresholds: spendThresholds.nullable(),
  earn_multiplier: z.number().min(TIER_LIMITS.min_multiplier).max(TIER_LIMITS.max_multiplier),
  perks: z.string().trim().max(2000).nullable(),
  customer_group_id: z.string().trim().min(1).nullable(),
  bonus_points: z.number().int().min(0).max(TIER_LIMITS.max_bonus_points),
  metadata: z.record(z.string(), z.unknown()).nullable(),
}

type MetricFields = { metric?: string; threshold?: number | null; spend_thresholds?: Record<string, number> | null }

/** A points or orders tier needs `threshold`; a spend tier needs `spend_thresholds`; never both. */
function checkMetricFields(body: MetricFields, ctx: z.RefinementCtx) {
  if (!body.metric) return
  const hasSpend = !!body.spend_thresholds && Object.keys(body.spend_thresholds).length > 0
  if (body.metric === "spend") {
    if (!hasSpend) ctx.addIssue({ code: "custom", message: "A spend tier needs spend_thresholds, e.g. { \"eur\": 500 }" })
    if (body.threshold !== undefined && body.threshold !== null) {
      ctx.addIssue({ code: "custom", message: "A spend tier takes spend_thresholds per currency, not threshold" })
    }
  } else {
    if (body.threshold === undefined || body.threshold === null) {
      ctx.addIssue({ code: "custom", message: `A ${body.metric} tier needs a threshold (the ${body.metric} to reach)` })
    }
    if (hasSpend) ctx.addIssue({ code: "custom", message: "spend_thresholds only apply to spend tiers" })
  }
}

/** Every tier field optional: the shape of an update, and of a new tier but for its name and metric. */
const optionalTierFields = z.strictObject(tierFields).partial()
const tierShape = optionalTierFields.extend({ name: tierFields.name, metric: tierFields.metric }).shape

/** A new tier. Its rank defaults to the top; the whole set is validated by the module. */
export const AdminCreateTier = z.strictObject(tierShape).superRefine(checkMetricFields)
export type AdminCreateTierType = z.infer<typeof AdminCreateTier>

/** Any subset of a tier's fields. */
export const AdminUpdateTier = optionalTierFields
  .omit({ rank: true })
  .superRefine(checkMetricFields)
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one tier field to change" })
export type AdminUpdateTierType = z.infer<typeof AdminUpdateTier>

/** `?move_members_to=<tier id>` or `none`: where a deleted tier's members go. */
export const AdminDeleteTierQuery = z.strictObject({
  move_members_to: z
    .string()
    .trim()
    .min(1)
    .optional()
    .transform((value) => (value === "none" ? null : value)),
})
export type AdminDeleteTierQueryType = z.infer<typeof AdminDeleteTierQuery>

/** Every tier id once, lowest rank first. */
export const AdminReorderTiers = z.strictObject({
  tier_ids: z.array(z.string().trim().min(1)).min(1).max(TIER_LIMITS.max_tiers),
})
export type AdminReorderTiersType = z.infer<typeof AdminReorderTiers>

/** A proposed set of tiers to preview (nothing is saved). */
export const AdminPreviewTiers = z.strictObject({
  tiers: z
    .array(z.strictObject({ id: z.string().optional(), ...tierShape }).superRefine(checkMetricFields))
    .min(1)
    .max(TIER_LIMITS.max_tiers),
})
export type AdminPreviewTiersType = z.infer<typeof AdminPreviewTiers>

/** How tiers qualify: any subset. */
export const AdminUpdateTierSettings = TierSettingsFields.refine((body) => Object.keys(body).length > 0, { message: "Send at least one tier setting to change" })
export type AdminUpdateTierSettingsType = z.infer<typeof AdminUpdateTierSettings>

/** Staff put a customer in a tier (null = no tier) with a reason, until an optional date. */
export const AdminSetTierOverride = z.strictObject({
  tier_id: z.string().trim().min(1).nullable(),
  reason: z.string().trim().min(1).max(500),
  ends_at: dateInput("ends_at").nullable().optional(),
})
export type AdminSetTierOverrideType = z.infer<typeof AdminSetTierOverride>

/** `?reason=` for ending an override by hand. */
export const AdminEndTierOverrideQuery = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
})
export type AdminEndTierOverrideQueryType = z.infer<typeof AdminEndTierOverrideQuery>
