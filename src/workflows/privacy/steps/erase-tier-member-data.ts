import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { tiersService } from "../../tiers/steps/resolve-service"

export const eraseTierMemberDataStepId = "loyalty-erase-tier-member-data-step"

/** The text that replaces staff's notes about an erased member. */
export const ERASED_NOTE = "(erased)"

/**
 * The tier module's personal data of a member: the reasons staff gave for
 * overrides and the notes of their tier history. Which tier they had and when
 * stays. Final and idempotent, like every erasure step.
 */
export const eraseTierMemberDataStep = createStep(
  eraseTierMemberDataStepId,
  async (input: { customer_id: string }, { container }) => {
    const service = tiersService(container)
    const overrides = await service.listTierOverrides({ customer_id: input.customer_id }, { select: ["id", "end_reason"], take: null })
    if (overrides.length) {
      await service.updateTierOverrides(
        overrides.map((row) => ({ id: row.id, reason: ERASED_NOTE, end_reason: row.end_reason === null ? null : ERASED_NOTE }))
      )
    }
    const history = await service.listTierHistories({ customer_id: input.customer_id }, { select: ["id"], take: null })
    if (history.length) await service.updateTierHistories(history.map((row) => ({ id: row.id, note: ERASED_NOTE })))
    return new StepResponse({ overrides: overrides.length, history: history.length })
  }
)
