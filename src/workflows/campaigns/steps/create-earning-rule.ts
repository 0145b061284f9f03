import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { EarningRuleTarget } from "../../../lib/campaigns/rules"
import { EarningRuleRecord } from "../../../modules/loyalty-campaigns/types"
import { campaignsService } from "./resolve-service"

/** What the compensation undoes: the rule this run created, or the rule as it was before. */
type Undo = { created: string | null; previous: EarningRuleRecord | null }

export const createEarningRuleStepId = "loyalty-create-earning-rule-step"

export type EarningRuleInput = { target_type: EarningRuleTarget; target_id: string; factor: number; note?: string | null }

/**
 * Create a per-product earning rule, or change the factor of the one that
 * target already has (one rule per product, category or collection).
 * Compensation deletes what it created or puts the old factor back.
 */
export const createEarningRuleStep = createStep(
  createEarningRuleStepId,
  async (input: EarningRuleInput, { container }) => {
    if (!(input.factor >= 0)) throw new MedusaError(MedusaError.Types.INVALID_DATA, "factor must be 0 or more")
    const service = campaignsService(container)
    const [existing] = await service.listEarningRules({ target_type: input.target_type, target_id: input.target_id }, { take: 1 })
    if (existing) {
      const updated = await service.updateEarningRules({ id: existing.id, factor: input.factor, note: input.note ?? existing.note })
      return new StepResponse<EarningRuleRecord, Undo>(updated, { created: null, previous: existing })
    }
    const created = await service.createEarningRules(input)
    return new StepResponse<EarningRuleRecord, Undo>(created, { created: created.id, previous: null })
  },
  async (undo, { container }) => {
    if (!undo) return
    const service = campaignsService(container)
    if (undo.created) await service.deleteEarningRules(undo.created)
    else if (undo.previous) await service.updateEarningRules({ id: undo.previous.id, factor: undo.previous.factor, note: undo.previous.note })
  }
)
