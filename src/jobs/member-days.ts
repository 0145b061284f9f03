import { MedusaContainer } from "@medusajs/framework/types"
import { awardMemberDayBonusesWorkflow, remindExpiringPointsWorkflow, remindTierDropsWorkflow } from "../workflows/care"

/** Daily: today's birthday and anniversary bonuses and first-order bonuses no release paid, then reminders of points expiring and of tiers about to drop. */
export default async function memberDaysJob(container: MedusaContainer) {
  const now = new Date()
  await awardMemberDayBonusesWorkflow(container).run({ input: { now } })
  await remindExpiringPointsWorkflow(container).run({ input: { now } })
  await remindTierDropsWorkflow(container).run({ input: { now } })
}

export const config = {
  name: "loyalty-member-days",
  schedule: "7 6 * * *",
}
