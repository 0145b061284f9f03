import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { attempt, forEachPage } from "../../../lib/shared/pages"
import { evaluateReferralWorkflow } from "../evaluate-referral"
import { referralsService } from "./resolve-service"
import { createPassStep } from "../../shared/create-pass-step"

export const evaluateOpenReferralsStepId = "loyalty-evaluate-open-referrals-step"

const BATCH = 200

/**
 * Evaluate every open referral whose friend has ordered since the claim, one
 * idempotent workflow each. This is what pays referrals whose events were
 * lost (the local event bus drops a failed handler's event) and orders that
 * earned no points and so never announce a release. A failing referral is
 * logged and left for the next run. Each referral's evaluation is its own
 * workflow with its own compensation, so this step has nothing left to undo.
 */
export const evaluateOpenReferralsStep = createPassStep(evaluateOpenReferralsStepId, async (now, container) => {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const service = referralsService(container)
  const counts = { evaluated: 0, rewarded: 0, flagged: 0, qualified: 0 }
  await forEachPage(
    ({ after }) => service.listOpenReferrals(after, BATCH),
    async (open) => {
      // One query per batch: only friends who ordered at all need a closer look.
      const { data: orders } = await query.graph({
        entity: "order",
        fields: ["customer_id"],
        filters: { customer_id: open.map((r) => r.referee_id), status: { $ne: "draft" } },
      })
      const ordered = new Set(orders.map((order) => order.customer_id))
      for (const referral of open.filter((r) => ordered.has(r.referee_id))) {
        const done = await attempt(container, `Loyalty: evaluating referral ${referral.id}`, () =>
          evaluateReferralWorkflow(container).run({ input: { referral_id: referral.id, now } })
        )
        if (!done.ok) continue
        const { action } = done.value.result
        counts.evaluated++
        if (action === "reward") counts.rewarded++
        if (action === "flag") counts.flagged++
        if (action === "qualify") counts.qualified++
      }
    },
    { size: BATCH, until: "short", key: (referral) => referral.id }
  )
  return counts
})
