import { attempt, forEachPage } from "../../../lib/shared/pages"
import { qualificationWindow, qualifyingTier } from "../../../lib/tiers/rules"
import { evaluateCustomerTierWorkflow } from "../evaluate-customer-tier"
import { tiersService } from "./resolve-service"
import { createPassStep } from "../../shared/create-pass-step"

export const upgradeQualifiedCustomersStepId = "loyalty-upgrade-qualified-customers-step"

const BATCH = 500

/**
 * Upgrade everyone whose activity in the current window reaches a higher
 * tier than the one they earned: after a threshold was lowered or a tier
 * added, or when an evaluation failed. Set-based: one query per page of
 * customers, a workflow only for those who move up.
 */
export const upgradeQualifiedCustomersStep = createPassStep(upgradeQualifiedCustomersStepId, async (now, container) => {
  const service = tiersService(container)
  const tiers = await service.listTiersByRank()
  if (!tiers.length) return 0
  const rank = new Map(tiers.map((tier) => [tier.id, tier.rank]))
  const window = qualificationWindow(await service.getSettings(), now)
  let upgraded = 0
  await forEachPage(
    ({ after }) => service.metricsPage(window.start, now, after, BATCH),
    async (page) => {
      const earned = await service.membershipTiers(page.map((row) => row.customer_id), "earned_tier_id")
      for (const { customer_id, metrics } of page) {
        const target = qualifyingTier(tiers, metrics)
        const current = earned.get(customer_id)
        if (!target || target.rank <= (current ? rank.get(current) ?? 0 : 0)) continue
        const done = await attempt(container, `Loyalty tiers: the upgrade of customer ${customer_id}`, () =>
          evaluateCustomerTierWorkflow(container).run({ input: { customer_id, now } })
        )
        if (done.ok && done.value.result.write?.changes.length) upgraded++
      }
    },
    { size: BATCH, until: "empty", key: (row) => row.customer_id }
  )
  return upgraded
})
