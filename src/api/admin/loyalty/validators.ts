import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../utils/validators"
import { rewardProblems } from "../../../lib/rewards/rules"
import { Limits, REWARD_KINDS } from "../../../lib/shared/vocabulary"
import { bounded, ProgramFields } from "../../../lib/shared/settings-fields"

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

/** Currency codes in lower case; a body without `amounts` stays without it (a change that keeps the stored amounts). */
const lowerCurrencies = <T extends { amounts?: Record<string, number> | null }>(reward: T): T =>
  reward.amounts
    ? {
        ...reward,
        amounts: Object.fromEntries(Object.entries(reward.amounts).map(([code, amount]) => [code.toLowerCase(), amount])),
      }
    : reward

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
