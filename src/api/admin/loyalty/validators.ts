import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../utils/validators"
import { rewardProblems } from "../../../lib/rewards/rules"
import { Limits, REWARD_KINDS, type Bounds } from "../../../lib/shared/vocabulary"

/** A whole number within the vocabulary's bounds. */
export const bounded = ({ min, max }: Bounds) => z.number().int().min(min).max(max)

/**
 * A value per currency (`{ eur: 1, usd: 1.5 }`) between 0 and `max`. Keys and
 * values are checked in one refinement so the 400 names the currency that is
 * wrong; Medusa's validator replaces zod's own messages for records with a
 * generic one.
 */
export const perCurrency = (what: string, max: number = Limits.per_currency) =>
  z
    .record(z.string(), z.number())
    .superRefine((map, ctx) => {
      for (const [code, value] of Object.entries(map)) {
        if (!/^[a-zA-Z]{3}$/.test(code)) {
          ctx.addIssue({ code: "custom", message: `"${code}" is not a 3-letter currency code such as eur` })
        } else if (!(value >= 0 && value <= max)) {
          ctx.addIssue({ code: "custom", message: `${what} for ${code} must be between 0 and ${max}` })
        }
      }
    })
    .transform((map) => Object.fromEntries(Object.entries(map).map(([code, value]) => [code.toLowerCase(), value])))

/** The program rules' fields, each optional: what a change (or a what-if proposal) may send. */
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

/** A change to the program rules: any subset of the fields, nothing else. */
export const AdminUpdateProgram = ProgramFields.refine((body) => Object.keys(body).length > 0, { message: "Send at least one program field to change" })
export type AdminUpdateProgramType = z.infer<typeof AdminUpdateProgram>

/** A manual points change by staff: signed points and a mandatory reason. */
export const AdminCreateAdjustment = z.strictObject({
  points: z
    .number()
    .int()
    .min(-Limits.adjustment_points)
    .max(Limits.adjustment_points)
    .refine((points) => points !== 0, { message: "points must not be 0" }),
  reason: z.string().trim().min(1).max(Limits.reason_length),
})
export type AdminCreateAdjustmentType = z.infer<typeof AdminCreateAdjustment>

const rewardFields = {
  name: z.string().trim().min(1).max(Limits.reward.name_length),
  description: z.string().max(Limits.reward.description_length).nullish(),
  kind: z.enum(REWARD_KINDS),
  amounts: z.record(z.string(), z.number()).nullish(),
  percentage: z.number().nullish(),
  points_cost: bounded(Limits.reward.points_cost),
  starts_at: dateInput("starts_at").nullish(),
  ends_at: dateInput("ends_at").nullish(),
  per_customer_limit: bounded(Limits.reward.per_customer_limit).nullish(),
  valid_days: bounded(Limits.reward.valid_days).optional(),
  refund_on_expiry: z.boolean().optional(),
  is_active: z.boolean().optional(),
}

/** Reports each broken reward rule as a zod issue, so the 400 names it. */
function checkReward(reward: Parameters<typeof rewardProblems>[0], ctx: z.RefinementCtx) {
  for (const message of rewardProblems(reward)) ctx.addIssue({ code: "custom", message })
}

const lowerCurrencies = <T extends { amounts?: Record<string, number> | null }>(reward: T): T => ({
  ...reward,
  amounts: reward.amounts
    ? Object.fromEntries(Object.entries(reward.amounts).map(([code, amount]) => [code.toLowerCase(), amount]))
    : reward.amounts,
})

/** A new catalog reward. */
export const AdminCreateReward = z.strictObject(rewardFields).superRefine(checkReward).transform(lowerCurrencies)
export type AdminCreateRewardType = z.infer<typeof AdminCreateReward>

/** A change to a reward: any of its fields (the kind's rules are checked against the result). */
export const AdminUpdateReward = z
  .strictObject(rewardFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one reward field to change" })
  .transform(lowerCurrencies)
export type AdminUpdateRewardType = z.infer<typeof AdminUpdateReward>
