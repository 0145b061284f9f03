import { createSoftDeleteStep } from "../../shared/create-soft-delete-step"
import { campaignsService } from "./resolve-service"

export const deleteEarningRuleStepId = "loyalty-delete-earning-rule-step"

/** Delete a per-product earning rule (404 when there is none); compensation restores it. */
export const deleteEarningRuleStep = createSoftDeleteStep(deleteEarningRuleStepId, campaignsService, { one: "EarningRule", many: "EarningRules" })
