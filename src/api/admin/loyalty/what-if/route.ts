import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { whatIfWorkflow } from "../../../../workflows/what-if"
import { AdminWhatIfType } from "./validators"

/**
 * What a proposed change of the program, tiers or campaigns would have
 * cost on the store's own orders, beside the rules in force, and the next
 * 12 months under both: the settings pages call it with their unsaved
 * values ("Preview impact") so a merchant sees the cost before saving.
 * Nothing is saved.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminWhatIfType>, res: MedusaResponse) {
  const { result } = await whatIfWorkflow(req.scope).run({ input: req.validatedBody })
  res.json({ what_if: result })
}
