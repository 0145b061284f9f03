import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { deleteTierWorkflow, updateTierWorkflow } from "../../../../../workflows/tiers"
import { adminTierView, tiersModule } from "../../../../utils/tier-views"
import { AdminDeleteTierQueryType, AdminUpdateTierType } from "../validators"

async function tierWithMembers(req: AuthenticatedMedusaRequest<unknown, unknown>, id: string) {
  const service = tiersModule(req.scope)
  const [tiers, members] = await Promise.all([service.listTiersByRank(), service.memberCounts()])
  const tier = tiers.find((candidate) => candidate.id === id)
  if (!tier) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Tier ${id} was not found`)
  }
  return adminTierView(tier, members.get(id) ?? 0)
}

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ tier: await tierWithMembers(req, req.params.id) })
}

/** Change a tier; the set is validated as it would be after the change. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateTierType>, res: MedusaResponse) {
  await updateTierWorkflow(req.scope).run({ input: { id: req.params.id, changes: req.validatedBody } })
  res.json({ tier: await tierWithMembers(req, req.params.id) })
}

/**
 * Delete a tier. With members, `?move_members_to=<tier id>` (or `none`) says
 * where they go; without it the answer is a 400 saying how many there are.
 */
export async function DELETE(req: AuthenticatedMedusaRequest<unknown, AdminDeleteTierQueryType>, res: MedusaResponse) {
  const { result } = await deleteTierWorkflow(req.scope).run({
    input: { id: req.params.id, move_members_to: req.validatedQuery.move_members_to, now: new Date() },
  })
  res.json({ id: result.id, object: "loyalty_tier", deleted: true, moved: result.moved, moved_to: result.moved_to })
}
