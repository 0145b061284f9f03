import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Claimant, normalizeEmail, ReferralIdentity } from "../../../lib/referrals/rules"
import { sameMailboxCustomerIds } from "../../shared/same-mailbox"
import { loadCustomerIdentity } from "./identity"
import { referralsService } from "./resolve-service"

export const loadReferralClaimantStepId = "loyalty-load-referral-claimant-step"

export type ReferralClaimant = Claimant & { id: string; identity: ReferralIdentity }

/**
 * The customer who wants to claim a code, with what decides whether they
 * may: their account, its age, whether they were referred already, and
 * whether they have ordered. "Ordered" includes orders under the same
 * mailbox (dots and plus-tags ignored) by other customer ids: a guest who
 * registers later, or a customer who deleted their account and registered
 * again, gets a new customer id, and their orders stay on the old one.
 */
export const loadReferralClaimantStep = createStep(
  loadReferralClaimantStepId,
  async (input: { customer_id: string }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const customer = await loadCustomerIdentity(container, input.customer_id)
    if (!customer) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer ${input.customer_id} was not found`)
    }
    const sameMailbox = await sameMailboxCustomerIds(container, normalizeEmail(customer.identity.email))
    const { data: orders } = await query.graph({
      entity: "order",
      fields: ["id"],
      filters: { customer_id: Array.from(new Set([customer.id, ...sameMailbox])), status: { $ne: "draft" } },
      pagination: { take: 1 },
    })
    const [referral] = await referralsService(container).listReferrals({ referee_id: customer.id }, { take: 1 })
    return new StepResponse<ReferralClaimant>({
      id: customer.id,
      identity: customer.identity,
      has_account: customer.has_account,
      created_at: customer.created_at,
      has_orders: orders.length > 0,
      already_referred: !!referral,
    })
  }
)
