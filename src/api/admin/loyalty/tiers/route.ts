import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createTierWorkflow } from "../../../../workflows/tiers"
import { adminTierView, tiersModule } from "../../../utils/tier-views"
import { AdminCreateTierType } from "./validators"

/** Every tier, lowest rank first, with its members in effect now; and how tiers qualify. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const service = tiersModule(req.scope)
  const [tiers, members, settings] = await Promise.all([
    service.listTiersByRank(),
    service.memberCounts(),
    service.getSettings(),
  ])
  res.json({ tiers: tiers.map((tier) => adminTierView(tier, members.get(tier.id) ?? 0)), settings })
}

/** Create a tier; a set whose thresholds would not grow with rank is a 400 naming the tiers. */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateTierType>, res: MedusaResponse) {
  const { result } = await createTierWorkflow(req.scope).run({ input: req.validatedBody })
  res.status(200).json({ tier: adminTierView(result, 0) })
}
