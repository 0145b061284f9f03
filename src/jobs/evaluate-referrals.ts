import { MedusaContainer } from "@medusajs/framework/types"
import { evaluateReferralsWorkflow } from "../workflows/referrals"

/** Hourly, half an hour after the points release: qualify, flag and reward open referrals. */
export default async function evaluateReferralsJob(container: MedusaContainer) {
  await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
}

export const config = {
  name: "loyalty-evaluate-referrals",
  schedule: "37 * * * *",
}
