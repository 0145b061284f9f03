import { MedusaContainer } from "@medusajs/framework/types"
import { recomputeInsightsWorkflow } from "../workflows/insights"

/** Nightly: recompute customer insights and KPIs, and mirror segments into customer groups. */
export default async function recomputeInsightsJob(container: MedusaContainer) {
  await recomputeInsightsWorkflow(container).run({ input: { now: new Date(), triggered_by: "job" } })
}

export const config = {
  name: "loyalty-recompute-insights",
  schedule: "41 2 * * *",
}
