import { OrderReleaseInput } from "../../../modules/loyalty-points/types"
import { createPostingStep } from "./create-posting-step"

export const releaseOrderPointsStepId = "loyalty-release-order-points-step"

/** Make what is left of an order's pending points spendable; compensation takes them back to pending. */
export const releaseOrderPointsStep = createPostingStep(
  releaseOrderPointsStepId,
  (service, input: OrderReleaseInput) => service.releaseOrderPoints(input),
  "Release rolled back"
)
