import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReserveAwardsInput, ReservedAward } from "../../../modules/loyalty-campaigns/types"
import { campaignsService } from "./resolve-service"

export const reserveCampaignAwardsStepId = "loyalty-reserve-campaign-awards-step"

/**
 * Reserve an order's campaign points against the campaigns' budgets and the
 * customer's caps before its earning is written (the service locks the
 * campaign rows). A replay returns the first reservation. Compensation
 * releases only the awards this run created, giving their points back to the
 * budgets.
 */
export const reserveCampaignAwardsStep = createStep(
  reserveCampaignAwardsStepId,
  async (input: ReserveAwardsInput | null, { container }) => {
    if (!input?.awards.length) return new StepResponse<ReservedAward[], string[]>([], [])
    const reserved = await campaignsService(container).reserveAwards(input)
    return new StepResponse<ReservedAward[], string[]>(
      reserved,
      reserved.map((r) => r.created_id).filter((id): id is string => !!id)
    )
  },
  async (created, { container }) => {
    if (created?.length) await campaignsService(container).releaseAwards(created)
  }
)
