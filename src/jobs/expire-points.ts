import { MedusaContainer } from "@medusajs/framework/types"
import { expirePointsWorkflow } from "../workflows/points"
import { expireCouponsWorkflow } from "../workflows/rewards"

/** Daily: expire points past their date, then close expired coupons (refunding unused ones if the reward says so). */
export default async function expirePointsJob(container: MedusaContainer) {
  const now = new Date()
  await expirePointsWorkflow(container).run({ input: { now } })
  await expireCouponsWorkflow(container).run({ input: { now } })
}

export const config = {
  name: "loyalty-expire-points",
  schedule: "17 3 * * *",
}
