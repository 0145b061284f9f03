import { MedusaContainer } from "@medusajs/framework/types"
import { evaluateTiersWorkflow } from "../workflows/tiers"

/**
 * Daily: count lost releases, end overrides past their date, review periods
 * that ended, upgrade whoever qualifies higher, repair customer groups.
 * Idempotent: a second run the same day changes nothing.
 */
export default async function evaluateTiersJob(container: MedusaContainer) {
  await evaluateTiersWorkflow(container).run({ input: { now: new Date() } })
}

export const config = {
  name: "loyalty-evaluate-tiers",
  schedule: "37 2 * * *",
}
