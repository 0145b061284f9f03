import { createPostingStep } from "./create-posting-step"

export const takeBackCreditStepId = "loyalty-take-back-credit-step"

export type TakeBackCreditInput = { credit_key: string; idempotency_key: string; reason: string }

/**
 * Take back the credit posted under `credit_key` (nothing when there is
 * none, or for a null input), once per `idempotency_key`; compensation gives
 * it back.
 */
export const takeBackCreditStep = createPostingStep(
  takeBackCreditStepId,
  async (service, input: TakeBackCreditInput | null) => (input ? service.takeBackCredit(input) : null),
  "Take-back rolled back"
)
