import { MedusaError, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { TierSettings } from "../../../lib/tiers"
import { LoyaltyTier, MembershipWrite, TierInput } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const validateTierCustomerGroupStepId = "validate-loyalty-tier-customer-group"
export const createTierStepId = "insert-loyalty-tier"
export const updateTierStepId = "write-loyalty-tier"
export const reorderTiersStepId = "write-loyalty-tier-ranks"
export const deleteTierStepId = "soft-delete-loyalty-tier"
export const saveTierSettingsStepId = "save-loyalty-tier-settings"

/** A tier may mirror only into a customer group that exists: a 400 naming it otherwise. */
export const validateTierCustomerGroupStep = createStep(
  validateTierCustomerGroupStepId,
  async (input: { customer_group_id?: string | null }, { container }) => {
    if (input.customer_group_id) {
      const [group] = await container
        .resolve(Modules.CUSTOMER)
        .listCustomerGroups({ id: input.customer_group_id }, { select: ["id"], take: 1 })
      if (!group) {
        throw new MedusaError(
          MedusaError.Types.INVALID_DATA,
          `customer_group_id: customer group ${input.customer_group_id} does not exist`
        )
      }
    }
    return new StepResponse(true)
  }
)

/** Add a tier to the validated set; compensation takes it back while nobody is in it. */
export const createTierStep = createStep(
  createTierStepId,
  async (input: TierInput, { container }) => {
    const tier = await tiersService(container).addTier(input)
    return new StepResponse(tier, tier.id)
  },
  async (id, { container }) => {
    if (id) await tiersService(container).discardTier(id)
  }
)

/** Change a tier within the validated set; compensation restores its fields. */
export const updateTierStep = createStep(
  updateTierStepId,
  async (input: { id: string; changes: Partial<TierInput> }, { container }) => {
    const result = await tiersService(container).editTier(input.id, input.changes)
    return new StepResponse(result, result.previous)
  },
  async (previous, { container }) => {
    if (previous) await tiersService(container).restoreTier(previous)
  }
)

/** New ranks, lowest first; compensation restores the old ranks. */
export const reorderTiersStep = createStep(
  reorderTiersStepId,
  async (input: { tier_ids: string[] }, { container }) => {
    const result = await tiersService(container).reorderTiers(input.tier_ids)
    return new StepResponse(result.tiers, result.previous)
  },
  async (previous, { container }) => {
    if (previous?.length) await tiersService(container).restoreRanks(previous)
  }
)

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
    const result = await tiersService(container).removeTier(input.id, input.move_members_to, new Date(input.now))
    return new StepResponse<DeleteTierResult, { tier_id: string; writes: MembershipWrite[]; override_ids: string[] }>(
      result,
      { tier_id: input.id, writes: result.writes, override_ids: result.override_ids }
    )
  },
  async (removal, { container }) => {
    if (removal) await tiersService(container).undoRemoveTier(removal)
  }
)

/** Save the qualification settings; compensation saves the previous ones back. */
export const saveTierSettingsStep = createStep(
  saveTierSettingsStepId,
  async (input: { changes: Partial<TierSettings>; actor_id: string | null }, { container }) => {
    const result = await tiersService(container).saveSettings(input.changes, input.actor_id)
    return new StepResponse(result.settings, { previous: result.previous, actor_id: input.actor_id })
  },
  async (saved, { container }) => {
    if (saved) await tiersService(container).saveSettings(saved.previous, saved.actor_id)
  }
)
