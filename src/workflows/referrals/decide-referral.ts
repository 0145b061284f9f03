import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { decideReferralStep } from "./steps/decide-referral"

export const decideReferralWorkflowId = "loyalty-decide-referral"

export type DecideReferralInput = {
  referral_id: string
  decision: "approve" | "reject"
  /** The admin user deciding, recorded on the referral. */
  actor_id: string
  /** Why, recorded on the referral and shown in the admin. */
  note: string
  now: Date
}

/**
 * An admin's decision on a referral. Approving a flagged referral clears its
 * flags (they stay visible, marked cleared) and returns it to the running;
 * run `evaluateReferralWorkflow` afterwards to pay it at once when its order
 * already qualifies. Rejecting any referral not yet rewarded ends it.
 *
 * @summary Approve or reject a referral, with a note.
 */
export const decideReferralWorkflow = createWorkflow(decideReferralWorkflowId, (input: DecideReferralInput) => {
  return new WorkflowResponse(decideReferralStep(input))
})
