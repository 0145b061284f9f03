import { MedusaContainer } from "@medusajs/framework/types"
import { releasePendingPointsWorkflow } from "../workflows/points"

/** Hourly: catch up missed earnings, then release points whose return window ended. */
export default async function releasePendingPointsJob(container: MedusaContainer) {
  await releasePendingPointsWorkflow(container).run({ input: { now: new Date() } })
}

export const config = {
  name: "loyalty-release-pending-points",
  schedule: "7 * * * *",
}
