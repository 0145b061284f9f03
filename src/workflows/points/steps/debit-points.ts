import { DebitPosting } from "../../../modules/loyalty-points/types"
import { createPostingStep } from "./create-posting-step"

export const debitPointsStepId = "loyalty-debit-points-step"

/** Debit the available balance under the account lock; compensation restores it. */
export const debitPointsStep = createPostingStep(
  debitPointsStepId,
  (service, input: DebitPosting) => service.debitPoints(input),
  "Debit rolled back"
)
