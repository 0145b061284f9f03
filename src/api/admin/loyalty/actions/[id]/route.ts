import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { deleteLoyaltyActionWorkflow, updateLoyaltyActionWorkflow } from "../../../../../workflows/care"
import { pointsModule } from "../../../../utils/views"
import { AdminUpdateActionType } from "../validators"

async function retrieve(req: AuthenticatedMedusaRequest, id: string) {
  const [action] = await pointsModule(req.scope).listActions({ id }, { take: 1 })
  if (!action) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Action ${id} was not found`)
  return action
}

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ action: await retrieve(req, req.params.id) })
}

/** Change an action's name, points, limit, or switch it off. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateActionType>, res: MedusaResponse) {
  await retrieve(req, req.params.id)
  const { result } = await updateLoyaltyActionWorkflow(req.scope).run({ input: { id: req.params.id, ...req.validatedBody } })
  res.json({ action: result })
}

/** Remove an action; what it paid stays in the ledger. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await retrieve(req, req.params.id)
  await deleteLoyaltyActionWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: req.params.id, object: "loyalty_action", deleted: true })
}
