import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateProgramWorkflow } from "../../../../workflows/points"
import { pointsModule, programView } from "../../../utils/views"
import { AdminUpdateProgramType } from "../validators"

/** The rules in force, and which store currencies earn nothing yet. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const rules = await pointsModule(req.scope).getProgramRules()
  res.json(await programView(req.scope, rules))
}

/** Save changed rules as a new program version; earlier entries keep theirs. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateProgramType>, res: MedusaResponse) {
  const { result } = await updateProgramWorkflow(req.scope).run({
    input: { changes: req.validatedBody, actor_id: req.auth_context.actor_id },
  })
  res.json(await programView(req.scope, result))
}
