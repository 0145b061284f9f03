import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { saveProgramRulesStep, SaveProgramRulesInput } from "./steps/save-program-rules"

export const updateProgramWorkflowId = "update-loyalty-program"

/**
 * Save the program rules as a new version. Earlier entries keep pointing at
 * the version they were computed with; new earnings use this one.
 *
 * @summary Change the program rules.
 */
export const updateProgramWorkflow = createWorkflow(updateProgramWorkflowId, (input: SaveProgramRulesInput) => {
  return new WorkflowResponse(saveProgramRulesStep(input))
})
