import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MemberImportDelta } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const recordMemberImportProgressStepId = "loyalty-record-member-import-progress-step"

/** The first this many unknown emails, bad rows and notes stay on the run (the counts are complete). */
export const IMPORT_REPORT_LIST_LIMIT = 200

/** Add a batch's figures to its import run; compensation takes the counts back out. */
export const recordMemberImportProgressStep = createStep(
  recordMemberImportProgressStepId,
  async (input: { id: string; delta: MemberImportDelta }, { container }) => {
    await pointsService(container).addMemberImportProgress({ ...input, list_limit: IMPORT_REPORT_LIST_LIMIT })
    return new StepResponse(null, input)
  },
  async (input, { container }) => {
    if (!input) return
    const negated = Object.fromEntries(Object.entries(input.delta.counts).map(([k, v]) => [k, -(v ?? 0)]))
    await pointsService(container).addMemberImportProgress({
      id: input.id,
      delta: { counts: negated },
      list_limit: IMPORT_REPORT_LIST_LIMIT,
    })
  }
)
