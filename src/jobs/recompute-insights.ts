import { MedusaContainer } from "@medusajs/framework/types"
import { startInsightsRecompute } from "../workflows/insights"

/** Nightly: recompute customer insights and KPIs, and mirror segments into customer groups. */
export default async function recomputeInsightsJob(container: MedusaContainer) {
  const { done } = await startInsightsRecompute(container, { now: new Date(), triggered_by: "job" })
  await done
}

export const config = {
  name: "loyalty-recompute-insights",
  schedule: "41 2 * * *",
}
