import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createLoyaltyActionWorkflow } from "../../../../workflows/care"
import { pointsModule } from "../../../utils/views"
import { AdminCreateActionType } from "./validators"

/** The actions that earn points (Settings → Loyalty → Actions). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const actions = await pointsModule(req.scope).listActions({}, { order: { code: "ASC" } })
  res.json({ actions })
}

/** Add an action: `birthday`, `anniversary`, `first_order` and `review` switch on the built-in ones. */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateActionType>, res: MedusaResponse) {
  const { result } = await createLoyaltyActionWorkflow(req.scope).run({ input: req.validatedBody })
  res.status(201).json({ action: result })
}
