import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const setImportedBirthdaysStepId = "loyalty-set-imported-birthdays-step"

export type SetImportedBirthdaysInput = {
  birthdays: { customer_id: string; month: number; day: number }[]
  now: string
}

/**
 * Members' birthdays from the file, where none is set yet (member care keeps
 * them on the points account). Compensation clears the ones this step set.
 */
export const setImportedBirthdaysStep = createStep(
  setImportedBirthdaysStepId,
  async (input: SetImportedBirthdaysInput, { container }) => {
    const now = new Date(input.now)
    const set = input.birthdays.length
      ? await pointsService(container).setImportedBirthdays({ birthdays: input.birthdays, now })
      : []
    return new StepResponse(set.length, { customer_ids: set, set_at: input.now })
  },
  async (undo, { container }) => {
    if (undo?.customer_ids.length) {
      await pointsService(container).clearImportedBirthdays({ customer_ids: undo.customer_ids, set_at: new Date(undo.set_at) })
    }
  }
)
