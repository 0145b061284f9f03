import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { identityFlags } from "../../lib/referrals/rules"
import { createReferralStep } from "./steps/create-referral"
import { loadReferralClaimantStep } from "./steps/load-claimant"
import { loadReferralProgramStep } from "./steps/load-referral-program"
import { markRefereeReferredStep } from "./steps/mark-referee-referred"
import { resolveReferralCodeStep } from "./steps/resolve-referral-code"
import { validateReferralClaimantStep } from "./steps/validate-claim"

export const claimReferralWorkflowId = "loyalty-claim-referral"

export type ClaimReferralInput = {
  /** The logged-in customer claiming the code (the friend). */
  customer_id: string
  code: string
  now: Date
}

/**
 * A newly registered customer claims a friend's code, before their first
 * order and within the claim window. Reasons that concern the claimant
 * (already referred, already ordered — guest orders under the same mailbox
 * count —, signed up too long ago, program off) are said plainly; an unknown,
 * own or no-longer-valid code gets one answer for all three. Self-referral
 * under a second account (same mailbox once dots and plus-tags are ignored,
 * same phone or address) and claims over the referrer's monthly cap are
 * recorded but flagged for an admin. The claimant's points account is
 * marked referred first, so the referrals subscriber looks at their orders.
 *
 * @summary Claim a referral code for the logged-in customer.
 *
 * @example
 * await claimReferralWorkflow(container).run({
 *   input: { customer_id: "cus_friend", code: "7KQ4M-XC9TR", now: new Date() },
 * })
 */
export const claimReferralWorkflow = createWorkflow(claimReferralWorkflowId, (input: ClaimReferralInput) => {
  const program = loadReferralProgramStep()
  const claimant = loadReferralClaimantStep({ customer_id: input.customer_id })
  validateReferralClaimantStep({ program, claimant, now: input.now })
  const resolved = resolveReferralCodeStep({ code: input.code, referee_id: input.customer_id })
  // Before the referral exists: an order's points event that says "not referred" was written before it.
  markRefereeReferredStep(transform({ claimant }, ({ claimant }) => ({ customer_id: claimant.id })))

  const referral = createReferralStep(
    transform({ input, claimant, resolved }, ({ input, claimant, resolved }) => ({
      code: resolved.code,
      referrer_id: resolved.referrer_id,
      referee_id: claimant.id,
      flags: identityFlags(resolved.referrer, claimant.identity),
      now: new Date(input.now),
    }))
  )
  return new WorkflowResponse(referral)
})
