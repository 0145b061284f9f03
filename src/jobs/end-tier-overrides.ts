import { MedusaContainer } from "@medusajs/framework/types"
import { endDueTierOverridesWorkflow } from "../workflows/tiers"

/**
 * Every minute: end the tier overrides whose end date has passed, so the
 * customer leaves the tier's customer group when the override ends, not at
 * the next daily pass. Finds nothing to do on almost every run (one indexed
 * query).
 */
export default async function endTierOverridesJob(container: MedusaContainer) {
  await endDueTierOverridesWorkflow(container).run({ input: { now: new Date() } })
}

export const config = {
  name: "loyalty-end-tier-overrides",
  schedule: "* * * * *",
}
