import { OrderRestoreInput } from "../../../modules/loyalty-points/types"
import { createPostingStep } from "../../points/steps/create-posting-step"

export const restoreOrderRedemptionStepId = "loyalty-restore-order-redemption-step"

/** Give back spent points up to the target; compensation takes them again. */
export const restoreOrderRedemptionStep = createPostingStep(
  restoreOrderRedemptionStepId,
  async (service, input: OrderRestoreInput | null) => (input ? service.restoreOrderRedemption(input) : null),
  "Restore rolled back"
)
