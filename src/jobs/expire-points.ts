import { MedusaContainer } from "@medusajs/framework/types"
import { expirePointsWorkflow } from "../workflows/points"

/** Daily: expire points past their date. */
export default async function expirePointsJob(container: MedusaContainer) {
  await expirePointsWorkflow(container).run({ input: { now: new Date() } })
}

export const config = {
  name: "loyalty-expire-points",
  schedule: "17 3 * * *",
}
