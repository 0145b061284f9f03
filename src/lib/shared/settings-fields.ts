import { z } from "@medusajs/framework/zod"
import { RFM_SEGMENTS, VALUE_INDICATORS } from "../insights/rules"
import { TIER_LIMITS, TIER_WINDOWS } from "../tiers/rules"
import { Limits, type Bounds } from "./vocabulary"

/**
 * The fields of each feature's settings (the points program, tier
 * qualification, the referral program, insights), each optional, with their
 * bounds. The admin routes validate a change with them, and each module
 * checks the plugin options it starts with against them
 * (`pluginOptionProblems`): the same rule judges a value typed in the admin
 * and one written in medusa-config.
 */

/** A whole number within the vocabulary's bounds. */
export const bounded = ({ min, max }: Bounds) => z.number().int().min(min).max(max)

/**
 * A value per currency (`{ eur: 1, usd: 1.5 }`) between 0 and `max` (more
 * than 0 with `positive`). Keys and values are checked in one refinement so
 * the 400 names the currency that is wrong; Medusa's validator replaces zod's
 * own messages for records with a generic one.
 */
export const perCurrency = (what: string, max: number = Limits.per_currency, { positive = false } = {}) =>
  z
    .record(z.string(), z.number())
    .superRefine((map, ctx) => {
      for (const [code, value] of Object.entries(map)) {
        if (!/^[a-zA-Z]{3}$/.test(code)) {
          ctx.addIssue({ code: "custom", message: `"${code}" is not a 3-letter currency code such as eur` })
        } else if (!((positive ? value > 0 : value >= 0) && value <= max)) {
          ctx.addIssue({ code: "custom", message: `${what} for ${code} must be ${positive ? "more than 0 and at most" : "between 0 and"} ${max}` })
        }
      }
    })
    .transform((map) => Object.fromEntries(Object.entries(map).map(([code, value]) => [code.toLowerCase(), value])))

/** The program rules' fields: what a change (or a what-if proposal) may send. */
export const ProgramFields = z.strictObject({
  // Bounded so that an ordinary order's points stay far inside what the ledger holds (`Limits.order_points`).
  earn_rates: perCurrency("An earn rate", Limits.earn_rate).optional(),
  pending_days: bounded(Limits.program.pending_days).optional(),
  expiry_months: bounded(Limits.program.expiry_months).optional(),
  signup_bonus: bounded(Limits.program.signup_bonus).optional(),
  point_values: perCurrency("A point value").optional(),
  min_redeem_points: bounded(Limits.program.min_redeem_points).optional(),
  redeem_step: bounded(Limits.program.redeem_step).optional(),
  max_redeem_share: z.number().min(0).max(1).optional(),
  shipping_redeemable: z.boolean().optional(),
})

/** How tiers qualify. */
export const TierSettingsFields = z.strictObject({
  window: z.enum(TIER_WINDOWS).optional(),
  window_months: z.number().int().min(1).max(TIER_LIMITS.max_window_months).optional(),
  grace_days: z.number().int().min(0).max(TIER_LIMITS.max_grace_days).optional(),
})

/** The referral program. Rewards are points. */
export const ReferralProgramFields = z.strictObject({
  enabled: z.boolean().optional(),
  referrer_points: bounded(Limits.referral_program.referrer_points).optional(),
  referee_points: bounded(Limits.referral_program.referee_points).optional(),
  min_order_amounts: perCurrency("A minimum order amount").optional(),
  claim_window_days: bounded(Limits.referral_program.claim_window_days).optional(),
  monthly_cap: bounded(Limits.referral_program.monthly_cap).optional(),
  take_back_rewards: z.boolean().optional(),
  storefront_url: z
    .string()
    .trim()
    .max(2000)
    .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), {
      message: "storefront_url must be an http(s) URL, e.g. https://shop.example.com",
    })
    .nullable()
    .optional(),
})

const valueWeights = z.strictObject(
  Object.fromEntries(VALUE_INDICATORS.map((key) => [key, z.number().min(0).max(100)])) as Record<
    (typeof VALUE_INDICATORS)[number],
    z.ZodNumber
  >
)

const segmentGroups = z.record(z.string(), z.string().trim().min(1).max(100)).superRefine((map, ctx) => {
  for (const segment of Object.keys(map)) {
    if (!(RFM_SEGMENTS as readonly string[]).includes(segment)) {
      ctx.addIssue({ code: "custom", message: `"${segment}" is not a segment (one of ${RFM_SEGMENTS.join(", ")})` })
    }
  }
})

/** The insight settings. */
export const InsightSettingsFields = z.strictObject({
  currency_rates: perCurrency("The rate", 1_000_000, { positive: true }).optional(),
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
