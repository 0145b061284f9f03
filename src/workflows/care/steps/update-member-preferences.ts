import { MemberPreferencesInput } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"
import { createUpdateStep } from "../../shared/create-update-step"

export const updateMemberPreferencesStepId = "loyalty-update-member-preferences-step"

/** Set the member's birthday and opt-out; compensation puts the previous values back. */
export const updateMemberPreferencesStep = createUpdateStep(updateMemberPreferencesStepId, pointsService, {
  before: async (service, input: MemberPreferencesInput) => {
    const [before] = await service.listAccounts({ customer_id: input.customer_id }, { take: 1 })
    return before ?? null
  },
  update: (service, input) => service.updateMemberPreferences(input),
  restore: (service, before) =>
    service.updateAccounts({
      id: before.id,
      birthday_month: before.birthday_month,
      birthday_day: before.birthday_day,
      birthday_set_at: before.birthday_set_at,
      notifications_opt_out: before.notifications_opt_out,
    }),
})
