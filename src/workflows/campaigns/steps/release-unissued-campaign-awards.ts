import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReservedAward } from "../../../modules/loyalty-campaigns/types"
import { campaignsService } from "./resolve-service"

export const releaseUnissuedCampaignAwardsStepId = "loyalty-release-unissued-campaign-awards-step"

/**
 * A reservation stands only if the earning it was made for was written. An
 * award run again for an order that had earned already (a redelivered
 * `order.placed`, the catch-up) after a campaign started or widened plans
 * campaign points and reserves them, but the order's earning exists, so
 * nothing is issued: the reservations this run made go back to the budgets
 * and caps. Returns the reservations that stand (none when nothing was issued).
 * No compensation: the reserve step's own gives back only rows that still exist.
 */
export const releaseUnissuedCampaignAwardsStep = createStep(
  releaseUnissuedCampaignAwardsStepId,
  async (input: { reserved: ReservedAward[]; issued: boolean }, { container }) => {
    if (input.issued) return new StepResponse(input.reserved)
    const created = input.reserved.map((award) => award.created_id).filter((id): id is string => !!id)
    if (created.length) await campaignsService(container).releaseAwards(created)
    return new StepResponse<ReservedAward[]>([])
  }
)
