import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deleteEarningRuleWorkflow } from "../../../../../workflows/campaigns"

/** Delete a per-product earning rule; orders placed before keep the factor they earned with. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await deleteEarningRuleWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: req.params.id, object: "loyalty_earning_rule", deleted: true })
}
