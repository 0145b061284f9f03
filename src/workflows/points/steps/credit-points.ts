import { CreditPosting } from "../../../modules/loyalty-points/types"
import { createPostingStep } from "./create-posting-step"

export const creditPointsStepId = "loyalty-credit-points-step"

/** Credit the available balance (nothing for a null input); compensation takes the credit back. */
export const creditPointsStep = createPostingStep(
  creditPointsStepId,
  async (service, input: CreditPosting | null) => (input ? service.creditPoints(input) : null),
  "Credit rolled back"
)
