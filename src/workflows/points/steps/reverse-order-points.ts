import { OrderReversalInput } from "../../../modules/loyalty-points/types"
import { createPostingStep } from "./create-posting-step"

export const reverseOrderPointsStepId = "loyalty-reverse-order-points-step"

/** Bring the order's points to the target (down or up), one entry; compensation undoes it. */
export const reverseOrderPointsStep = createPostingStep(
  reverseOrderPointsStepId,
  async (service, input: OrderReversalInput | null) => (input ? service.reverseOrderPoints(input) : null),
  "Reversal rolled back"
)
