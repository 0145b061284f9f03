import { z } from "@medusajs/framework/zod"
import { Limits, REFERRAL_STATUSES } from "../../../../lib/shared/vocabulary"
import { ReferralProgramFields } from "../../../../lib/shared/settings-fields"

/** A change to the referral program: any subset of the fields, nothing else. Rewards are points. */
export const AdminUpdateReferralProgram = ReferralProgramFields.refine((body) => Object.keys(body).length > 0, { message: "Send at least one referral program field to change" })
export type AdminUpdateReferralProgramType = z.infer<typeof AdminUpdateReferralProgram>

export { REFERRAL_STATUSES }

/** `?status=flagged&customer_id=cus_…&limit=&offset=` over all referrals. */
export const AdminListReferralsQuery = z.strictObject({
  status: z.enum(REFERRAL_STATUSES).optional(),
  customer_id: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
})
export type AdminListReferralsQueryType = z.infer<typeof AdminListReferralsQuery>

/** An approval or rejection always says why. */
export const AdminDecideReferral = z.strictObject({
  note: z.string().trim().min(1).max(Limits.reason_length),
})
export type AdminDecideReferralType = z.infer<typeof AdminDecideReferral>
