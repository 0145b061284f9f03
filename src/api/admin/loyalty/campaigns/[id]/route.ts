import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deleteCampaignWorkflow, updateCampaignWorkflow } from "../../../../../workflows/campaigns"
import { adminCampaignView, campaignsModule } from "../views"
import { AdminUpdateCampaignType } from "../validators"

async function campaignWithResults(req: AuthenticatedMedusaRequest<unknown, unknown>, id: string) {
  const service = campaignsModule(req.scope)
  const campaign = await service.retrieveCampaign(id)
  const [results] = await service.campaignResults([id])
  return adminCampaignView(campaign, results)
}

/** One campaign with its next occurrences and results; 404 when there is none. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ campaign: await campaignWithResults(req, req.params.id) })
}

/** Change a campaign; changing its terms makes a new version (earlier orders keep theirs). */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateCampaignType>, res: MedusaResponse) {
  await updateCampaignWorkflow(req.scope).run({ input: { id: req.params.id, changes: req.validatedBody } })
  res.json({ campaign: await campaignWithResults(req, req.params.id) })
}

/** Delete a campaign; orders it gave points to keep them. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await deleteCampaignWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: req.params.id, object: "loyalty_campaign", deleted: true })
}
