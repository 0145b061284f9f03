import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deleteLoyaltyActionWorkflow, updateLoyaltyActionWorkflow } from "../../../../../workflows/care"
import { pointsModule } from "../../../../utils/views"
import { AdminUpdateActionType } from "../validators"

/** One action; 404 when there is none. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ action: await pointsModule(req.scope).retrieveAction(req.params.id) })
}

/** Change an action's name, points, limit, or switch it off. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateActionType>, res: MedusaResponse) {
  const { result } = await updateLoyaltyActionWorkflow(req.scope).run({ input: { id: req.params.id, ...req.validatedBody } })
  res.json({ action: result })
}

/** Remove an action; what it paid stays in the ledger. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await deleteLoyaltyActionWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: req.params.id, object: "loyalty_action", deleted: true })
}
