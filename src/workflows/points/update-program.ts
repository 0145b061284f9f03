import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { updateProgramRulesStep, UpdateProgramRulesInput } from "./steps/update-program-rules"

export const updateProgramWorkflowId = "loyalty-update-program"

/**
 * Save the program rules as a new version. Earlier entries keep pointing at
 * the version they were computed with; new earnings use this one.
 *
 * @summary Change the program rules.
 */
export const updateProgramWorkflow = createWorkflow(updateProgramWorkflowId, (input: UpdateProgramRulesInput) => {
  return new WorkflowResponse(updateProgramRulesStep(input))
})
