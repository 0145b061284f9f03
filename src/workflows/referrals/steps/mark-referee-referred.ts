import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const markRefereeReferredStepId = "loyalty-mark-referee-referred-step"

/**
 * Mark the claimant's points account referred before their referral is
 * recorded, so that the points events of their orders tell the referrals
 * subscriber to look (members never referred cost it no read). No
 * compensation: a mark left by a claim that failed later only costs that
 * member's points events one read each, and unsetting it could race with
 * another claim of theirs.
 */
export const markRefereeReferredStep = createStep(
  markRefereeReferredStepId,
  async (input: { customer_id: string }, { container }) => {
    await pointsService(container).markReferred(input.customer_id)
    return new StepResponse(undefined)
  }
)
