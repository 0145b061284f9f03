import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createEarningRuleWorkflow } from "../../../../workflows/campaigns"
import { campaignsModule, earningRuleView } from "../campaigns/views"
import { AdminCreateEarningRuleType } from "../campaigns/validators"

/** Every per-product earning rule (product, category or collection → factor; 0 = earns nothing). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const rules = await campaignsModule(req.scope).listEarningRules({}, { order: { target_type: "ASC", created_at: "ASC" } })
  res.json({ earning_rules: rules.map(earningRuleView) })
}

/** Set the rule of a product, category or collection (replacing its factor when it has one). */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateEarningRuleType>, res: MedusaResponse) {
  const { result } = await createEarningRuleWorkflow(req.scope).run({ input: req.validatedBody })
  res.json({ earning_rule: earningRuleView(result) })
}
