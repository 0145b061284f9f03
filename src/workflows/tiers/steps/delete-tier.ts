import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyTier, MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const deleteTierStepId = "loyalty-delete-tier-step"

export type DeleteTierResult = {
  tier: LoyaltyTier
  target: LoyaltyTier | null
  writes: MembershipWrite[]
  override_ids: string[]
}

/**
 * Delete a tier, moving its members to `move_members_to` (a tier id, or null
 * for no tier); refused while it has members and no target was named.
 * Compensation brings the tier and its members back.
 */
export const deleteTierStep = createStep(
  deleteTierStepId,
  async (input: { id: string; move_members_to?: string | null; now: Date | string }, { container }) => {
    const result = await tiersService(container).deleteTier(input.id, input.move_members_to, new Date(input.now))
    return new StepResponse<DeleteTierResult, { tier_id: string; writes: MembershipWrite[]; override_ids: string[] }>(
      result,
      { tier_id: input.id, writes: result.writes, override_ids: result.override_ids }
    )
  },
  async (removal, { container }) => {
    if (removal) await tiersService(container).undoDeleteTier(removal)
  }
)
