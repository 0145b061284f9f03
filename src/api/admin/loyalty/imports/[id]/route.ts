import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { pointsModule } from "../../../../utils/views"

/** One import run with its report so far: what the admin page polls for the progress bar. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const [found] = await pointsModule(req.scope).listMemberImports({ id: req.params.id }, { take: 1 })
  if (!found) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Import ${req.params.id} was not found`)
  res.json({ import: found })
}
