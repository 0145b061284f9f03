import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CODE_NOT_ACCEPTED, ReferralIdentity } from "../../../lib/referrals/rules"
import { loadCustomerIdentity } from "./identity"
import { referralsService } from "./resolve-service"

export const resolveReferralCodeStepId = "loyalty-resolve-referral-code-step"

export type ResolvedReferralCode = { code: string; referrer_id: string; referrer: ReferralIdentity }

/**
 * The referrer behind a typed code. An unknown code, the claimant's own
 * code, and the code of a customer who can no longer refer (deleted, or
 * without an account) are refused with one and the same answer, so trying
 * codes tells nobody which ones exist.
 */
export const resolveReferralCodeStep = createStep(
  resolveReferralCodeStepId,
  async (input: { code: string; referee_id: string }, { container }) => {
    const found = await referralsService(container).retrieveCodeByValue(input.code)
    const referrer =
      found && found.customer_id !== input.referee_id
        ? await loadCustomerIdentity(container, found.customer_id, { withOrders: true })
        : null
    if (!found || !referrer || !referrer.has_account) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, CODE_NOT_ACCEPTED)
    }
    return new StepResponse<ResolvedReferralCode>({
      code: found.code,
      referrer_id: referrer.id,
      referrer: referrer.identity,
    })
  }
)
