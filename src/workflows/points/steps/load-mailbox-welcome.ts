import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ProgramRules } from "../../../lib/points/program"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { normalizeEmail } from "../../../lib/shared/mailbox"
import { sameMailboxCustomerIds } from "../../shared/same-mailbox"
import type { CustomerForPoints } from "./load-customer"
import { pointsService } from "./resolve-service"

export const loadMailboxWelcomeStepId = "loyalty-load-mailbox-welcome-step"

/**
 * Which other customer of the same mailbox got the sign-up bonus already
 * (null: none), for `signupBonusPosting`. Customers are found by the
 * referral claim's same-mailbox lookup (`sameMailboxCustomerIds`: dots and
 * "+tags" ignored, deleted customers included, since a customer who deletes
 * their account and registers again gets a new id and their bonus stays on
 * the old one); the bonus by its ledger key. A customer without an account,
 * or a program without a sign-up bonus, pays nothing anyway, so nothing is
 * read then (the lookup scans the store's customers). Logged when it withholds
 * a bonus, so the store's logs say why a new member has none.
 */
export const loadMailboxWelcomeStep = createStep(
  loadMailboxWelcomeStepId,
  async (input: { customer: CustomerForPoints; rules: Pick<ProgramRules, "signup_bonus"> }, { container }) => {
    if (!input.customer.has_account || input.rules.signup_bonus <= 0) return new StepResponse<string | null>(null)
    const others = (await sameMailboxCustomerIds(container, normalizeEmail(input.customer.email))).filter((id) => id !== input.customer.id)
    const [welcomed] = await pointsService(container).existingEntryKeys(others.map(IdempotencyKeys.signupBonus))
    const welcomedCustomerId = welcomed ? others.find((id) => IdempotencyKeys.signupBonus(id) === welcomed) ?? null : null
    if (welcomedCustomerId) {
      container
        .resolve(ContainerRegistrationKeys.LOGGER)
        .info(`Loyalty: no sign-up bonus for customer ${input.customer.id}: their mailbox was welcomed as customer ${welcomedCustomerId}`)
    }
    return new StepResponse<string | null>(welcomedCustomerId)
  }
)
