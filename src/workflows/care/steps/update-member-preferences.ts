import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MemberPreferencesInput } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const updateMemberPreferencesStepId = "loyalty-update-member-preferences-step"

/** Set the member's birthday and opt-out; compensation puts the previous values back. */
export const updateMemberPreferencesStep = createStep(
  updateMemberPreferencesStepId,
  async (input: MemberPreferencesInput, { container }) => {
    const service = pointsService(container)
    const [before] = await service.listAccounts({ customer_id: input.customer_id }, { take: 1 })
    const account = await service.updateMemberPreferences(input)
    return new StepResponse(account, before ?? null)
  },
  async (before, { container }) => {
    if (!before) return
    await pointsService(container).updateAccounts({
      id: before.id,
      birthday_month: before.birthday_month,
      birthday_day: before.birthday_day,
      birthday_set_at: before.birthday_set_at,
      notifications_opt_out: before.notifications_opt_out,
    })
  }
)
