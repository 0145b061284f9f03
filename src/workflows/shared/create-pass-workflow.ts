import { createWorkflow, StepFunction, WorkflowData, WorkflowResponse } from "@medusajs/framework/workflows-sdk"

type Pass = { now: Date }

/**
 * A scheduled pass of several parts (the release, referral and tier passes):
 * each part is a step over what is due as of the pass's `now`, run one after
 * another in the order given, and the pass answers what each part did under
 * the part's name. So the passes differ only in their steps.
 *
 * @example
 * export const evaluateReferralsWorkflow = createPassWorkflow(evaluateReferralsWorkflowId, {
 *   evaluated: evaluateOpenReferralsStep,
 *   repaired: repairReferralRewardsStep,
 * })
 */
export function createPassWorkflow<R extends Record<string, unknown>>(
  id: string,
  steps: { [K in keyof R]: StepFunction<Pass, R[K]> }
) {
  return createWorkflow(id, (input: WorkflowData<Pass>) => {
    const done = {} as { [K in keyof R]: WorkflowData<R[K]> }
    for (const name of Object.keys(steps) as (keyof R)[]) {
      done[name] = steps[name](input)
    }
    return new WorkflowResponse<R>(done)
  })
}
