import { createEraseStep, eraseRows } from "./create-erase-step"
import { tiersService } from "../../tiers/steps/resolve-service"

export const eraseTierMemberDataStepId = "loyalty-erase-tier-member-data-step"

/** The text that replaces staff's notes about an erased member. */
export const ERASED_NOTE = "(erased)"

/**
 * The tier module's personal data of a member: the reasons staff gave for
 * overrides and the notes of their tier history. Which tier they had and when
 * stays. Final and idempotent, like every erasure step.
 */
export const eraseTierMemberDataStep = createEraseStep(eraseTierMemberDataStepId, tiersService, async (service, customer_id) => ({
  overrides: await eraseRows(
    await service.listTierOverrides({ customer_id }, { select: ["id", "end_reason"], take: null }),
    (rows) =>
      service.updateTierOverrides(
        rows.map((row) => ({ id: row.id, reason: ERASED_NOTE, end_reason: row.end_reason === null ? null : ERASED_NOTE }))
      )
  ),
  history: await eraseRows(
    await service.listTierHistories({ customer_id }, { select: ["id"], take: null }),
    (rows) => service.updateTierHistories(rows.map((row) => ({ id: row.id, note: ERASED_NOTE })))
  ),
}))
