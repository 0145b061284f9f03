import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { decideReferralWorkflow, evaluateReferralWorkflow } from "../../../../../workflows/referrals"
import { adminReferralView, referralParties, referralsModule } from "../../../../utils/referral-views"
import { AdminDecideReferralType } from "../validators"

/**
 * Approve or reject a referral with a note, recorded with the admin user.
 * After an approval the referral is evaluated at once, so one whose order is
 * already past its return window is paid now rather than at the next job run.
 */
export async function decide(
  req: AuthenticatedMedusaRequest<AdminDecideReferralType>,
  res: MedusaResponse,
  decision: "approve" | "reject"
) {
  const now = new Date()
  await decideReferralWorkflow(req.scope).run({
    input: {
      referral_id: req.params.id,
      decision,
      actor_id: req.auth_context.actor_id,
      note: req.validatedBody.note,
      now,
    },
  })
  if (decision === "approve") {
    try {
      await evaluateReferralWorkflow(req.scope).run({ input: { referral_id: req.params.id, now } })
    } catch (error) {
      // The approval stands; the hourly job evaluates it again.
      req.scope
        .resolve(ContainerRegistrationKeys.LOGGER)
        .warn(`Loyalty: evaluating referral ${req.params.id} after approval failed: ${(error as Error).message}`)
    }
  }
  const referral = await referralsModule(req.scope).retrieveReferral(req.params.id)
  res.json({ referral: adminReferralView(referral, await referralParties(req.scope, [referral])) })
}
