import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { reorderTiersWorkflow } from "../../../../workflows/tiers"
import { adminTierView, tiersModule } from "../../../utils/tier-views"
import { AdminReorderTiersType } from "../tiers/validators"

/** New ranks: every tier id once, lowest first. Thresholds must still grow with rank. */
export async function POST(req: AuthenticatedMedusaRequest<AdminReorderTiersType>, res: MedusaResponse) {
  const { result } = await reorderTiersWorkflow(req.scope).run({ input: req.validatedBody })
  const members = await tiersModule(req.scope).memberCounts()
  res.json({ tiers: result.map((tier) => adminTierView(tier, members.get(tier.id) ?? 0)) })
}
