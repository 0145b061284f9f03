import { MedusaContainer } from "@medusajs/framework/types"
import { takeBackLostReferralRewardsWorkflow } from "../workflows/referrals"

/** Daily, before the store opens: take back the rewards of paid referrals whose order was lost and whose take-back event never ran. */
export default async function takeBackLostReferralRewardsJob(container: MedusaContainer) {
  await takeBackLostReferralRewardsWorkflow(container).run({ input: { now: new Date() } })
}

export const config = {
  name: "loyalty-take-back-lost-referral-rewards",
  schedule: "47 5 * * *",
}
