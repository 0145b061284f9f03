import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { addDays } from "../../lib/shared/dates"
import { evaluateReferralWorkflow } from "./evaluate-referral"
import { postReferralRewardsWorkflow } from "./post-referral-rewards"
import { referralsService } from "./steps/resolve-service"

export const evaluateReferralsWorkflowId = "evaluate-loyalty-referrals"

const BATCH = 200
/** A rewarded referral without its ledger entries this long after is repaired (a crash between the two). */
const REPAIR_AFTER_MS = 10 * 60 * 1000
/** Claim attempts are kept this long; the rate-limit window is far shorter. */
const ATTEMPTS_KEPT_DAYS = 1

export const evaluateOpenReferralsStepId = "evaluate-open-loyalty-referrals"

/**
 * Evaluate every open referral whose friend has ordered since the claim, one
 * idempotent workflow each. This is what pays referrals whose events were
 * lost (the local event bus drops a failed handler's event) and orders that
 * earned no points and so never announce a release. A failing referral is
 * logged and left for the next run. Each referral's evaluation is its own
 * workflow with its own compensation, so this step has nothing left to undo.
 */
export const evaluateOpenReferralsStep = createStep(
  evaluateOpenReferralsStepId,
  async (input: { now: Date }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const service = referralsService(container)
    const now = new Date(input.now)
    const counts = { evaluated: 0, rewarded: 0, flagged: 0, qualified: 0 }
    let after: string | null = null
    for (;;) {
      const open = await service.listOpenReferrals(after, BATCH)
      if (!open.length) break
      after = open[open.length - 1].id
      // One query per batch: only friends who ordered at all need a closer look.
      const { data: orders } = await query.graph({
        entity: "order",
        fields: ["customer_id"],
        filters: { customer_id: open.map((r) => r.referee_id), status: { $ne: "draft" } },
      })
      const ordered = new Set(orders.map((order) => order.customer_id))
      for (const referral of open.filter((r) => ordered.has(r.referee_id))) {
        try {
          const { result } = await evaluateReferralWorkflow(container).run({
            input: { referral_id: referral.id, now },
          })
          counts.evaluated++
          if (result.action === "reward") counts.rewarded++
          if (result.action === "flag") counts.flagged++
          if (result.action === "qualify") counts.qualified++
        } catch (error) {
          logger.error(`Loyalty: evaluating referral ${referral.id} failed: ${(error as Error).message}`)
        }
      }
      if (open.length < BATCH) break
    }
    return new StepResponse(counts)
  }
)

export const repairReferralRewardsStepId = "repair-loyalty-referral-rewards"

/**
 * Pay referrals that were marked rewarded but whose ledger entries were never
 * noted (the process died in between). The credits are keyed per referral
 * and side, so a credit that did get written is not written again.
 */
export const repairReferralRewardsStep = createStep(
  repairReferralRewardsStepId,
  async (input: { now: Date }, { container }) => {
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const service = referralsService(container)
    const before = new Date(new Date(input.now).getTime() - REPAIR_AFTER_MS)
    let repaired = 0
    const failed = new Set<string>()
    for (;;) {
      const stuck = (await service.listUnpostedRewards(before, BATCH + failed.size)).filter((r) => !failed.has(r.id))
      if (!stuck.length) break
      for (const referral of stuck) {
        try {
          const { result } = await postReferralRewardsWorkflow(container).run({ input: { referral_id: referral.id } })
          if (result) repaired++
          else failed.add(referral.id)
        } catch (error) {
          failed.add(referral.id)
          logger.error(`Loyalty: paying referral ${referral.id} failed: ${(error as Error).message}`)
        }
      }
    }
    await service.pruneClaimAttempts(addDays(new Date(input.now), -ATTEMPTS_KEPT_DAYS))
    return new StepResponse(repaired)
  }
)

/**
 * The hourly pass over referrals: evaluate open referrals (qualify, flag,
 * reward), then repair rewarded referrals whose entries were never noted, and
 * prune old claim attempts. Takes `now` so tests and back-fills can run it at
 * any date.
 *
 * @summary Qualify, flag and reward open referrals.
 *
 * @example
 * await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
 */
export const evaluateReferralsWorkflow = createWorkflow(
  evaluateReferralsWorkflowId,
  (input: { now: Date }) => {
    const evaluated = evaluateOpenReferralsStep(input)
    const repaired = repairReferralRewardsStep(input)
    return new WorkflowResponse({ evaluated, repaired })
  }
)
