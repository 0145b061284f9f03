import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createCampaignWorkflow } from "../../../../workflows/campaigns"
import { adminCampaignView, campaignsModule } from "./views"
import { AdminCreateCampaignType } from "./validators"

/** Every campaign, highest priority first, with its status now, next occurrences and results. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const service = campaignsModule(req.scope)
  const campaigns = await service.listCampaigns({}, { order: { priority: "DESC", created_at: "ASC" } })
  const results = await service.campaignResults(campaigns.map((c) => c.id))
  res.json({
    campaigns: campaigns.map((c, i) => adminCampaignView(c, results[i])),
    time_zone: service.defaultTimeZone(),
  })
}

/** Create a campaign (a draft unless `status` says otherwise); bad terms or schedule are a 400 naming them. */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateCampaignType>, res: MedusaResponse) {
  const { result } = await createCampaignWorkflow(req.scope).run({ input: req.validatedBody })
  res.status(200).json({ campaign: adminCampaignView(result, null) })
}
