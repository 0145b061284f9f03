import { z } from "@medusajs/framework/zod"
import { LIMIT_PERIODS } from "../../../../lib/shared/vocabulary"
import { PathId } from "../../../utils/request-guards"

const LimitPeriod = z.enum(LIMIT_PERIODS)

const actionFields = {
  name: z.string().trim().min(1).max(200),
  points: z.number().int().min(1).max(1_000_000),
  /** Completions paid per customer per period; null = no limit. */
  limit_count: z.number().int().min(1).max(10_000).nullable(),
  limit_period: LimitPeriod,
  enabled: z.boolean(),
}

/** A new action: `code` is what integrations call (letters, digits, "-" and "_"). */
export const AdminCreateAction = z.strictObject({
  code: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "code must be 1 to 64 lower-case letters, digits, \"-\" or \"_\""),
  ...actionFields,
  limit_count: actionFields.limit_count.optional(),
  limit_period: actionFields.limit_period.optional(),
  enabled: actionFields.enabled.optional(),
})
export type AdminCreateActionType = z.infer<typeof AdminCreateAction>

/** A change to an action: any of its fields but the code. */
export const AdminUpdateAction = z.strictObject(actionFields).partial()
export type AdminUpdateActionType = z.infer<typeof AdminUpdateAction>

/** Staff or a back-end integration report that a member did an action. */
export const AdminCreateActionCompletion = z.strictObject({
  action_code: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "action_code is not an action code"),
  customer_id: PathId,
})
export type AdminCreateActionCompletionType = z.infer<typeof AdminCreateActionCompletion>
