import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const reviewTierPageStepId = "loyalty-review-tier-page-step"

export type TierPageReview = { reviewed: number; writes: MembershipWrite[]; deferred: string[] }

/**
 * The period-end review of a page of customers, set-based in the tiers
 * module (`reviewPage`: one lock, one grouped read, one update, one insert).
 * Compensation puts back every membership of the page that nobody changed
 * since and withdraws its history lines, so a page whose later step fails
 * leaves nothing of itself behind.
 */
export const reviewTierPageStep = createStep(
  reviewTierPageStepId,
  async (input: { customer_ids: string[]; now: Date }, { container }) => {
    const review = await tiersService(container).reviewPage(input.customer_ids, new Date(input.now))
    return new StepResponse<TierPageReview, MembershipWrite[]>(review, review.writes)
  },
  async (writes, { container }) => {
    if (writes?.length) {
      await tiersService(container).restoreMemberships(writes)
    }
  }
)
