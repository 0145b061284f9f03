import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { assessReferral, ReferralDecision } from "../../lib/referrals/rules"
import { postReferralRewardsWorkflow } from "./post-referral-rewards"
import { loadReferralStep } from "./steps/load-referral"
import { loadReferralEvidenceStep } from "./steps/load-referral-evidence"
import { flagReferralStep } from "./steps/flag-referral"
import { markReferralQualifiedStep } from "./steps/mark-referral-qualified"
import { markReferralRewardedStep } from "./steps/mark-referral-rewarded"

export const evaluateReferralWorkflowId = "loyalty-evaluate-referral"

export type EvaluateReferralInput = {
  /** The referral, or (from an event about a customer) the friend it belongs to. */
  referral_id?: string | null
  referee_id?: string | null
  now: Date
}

/**
 * Look at an open referral again: has the friend placed a qualifying order,
 * is it past its return window, did a fraud rule fire? Flags it for an admin,
 * marks it qualified, or — once the order's points are released and it was
 * neither canceled nor refunded — pays both sides through
 * `postReferralRewardsWorkflow`. Idempotent: a status change is taken under
 * the referral's row lock from an expected status, so the job running twice
 * and redelivered events pay once.
 *
 * @summary Qualify, flag or reward one referral.
 *
 * @example
 * await evaluateReferralWorkflow(container).run({ input: { referee_id: "cus_friend", now: new Date() } })
 */
export const evaluateReferralWorkflow = createWorkflow(
  evaluateReferralWorkflowId,
  (input: EvaluateReferralInput) => {
    const referral = loadReferralStep({ referral_id: input.referral_id, referee_id: input.referee_id })
    const evidence = loadReferralEvidenceStep({ referral, now: input.now })
    const decision = transform({ referral, evidence }, ({ referral, evidence }): ReferralDecision =>
      referral && evidence
        ? assessReferral(referral, evidence.orders, evidence.referrer)
        : { action: "wait", order_id: null, reason: referral ? `Referral is ${referral.status}` : "No referral" }
    )

    when({ decision }, ({ decision }) => decision.action === "flag").then(() =>
      flagReferralStep(
        transform({ decision, referral, input }, ({ decision, referral, input }) => ({
          referral_id: referral!.id,
          flags: decision.action === "flag" ? decision.flags : [],
          order_id: decision.order_id,
          now: new Date(input.now),
        }))
      )
    )
    when({ decision }, ({ decision }) => decision.action === "qualify").then(() =>
      markReferralQualifiedStep(
        transform({ decision, referral, input }, ({ decision, referral, input }) => ({
          referral_id: referral!.id,
          order_id: decision.order_id!,
          now: new Date(input.now),
        }))
      )
    )
    const rewarded = when({ decision }, ({ decision }) => decision.action === "reward").then(() =>
      markReferralRewardedStep(
        transform({ decision, referral, input }, ({ decision, referral, input }) => ({
          referral_id: referral!.id,
          order_id: decision.order_id!,
          now: new Date(input.now),
        }))
      )
    )
    // Only the run that won the status change pays.
    when({ rewarded }, ({ rewarded }) => !!rewarded).then(() =>
      postReferralRewardsWorkflow.runAsStep({
        input: transform({ rewarded }, ({ rewarded }) => ({ referral_id: rewarded!.id })),
      })
    )
    return new WorkflowResponse(decision)
  }
)
