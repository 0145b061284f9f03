import type { CreditPosting } from "../../modules/loyalty-points/types"
import { earnPosting, ProgramRules } from "../points/program"
import { IdempotencyKeys } from "../shared/idempotency-keys"
import { ReferenceTypes } from "../shared/vocabulary"

/** What a referral's reward credits read of the referral. */
export type RewardedReferral = {
  id: string
  status: string
  rewards_posted_at: Date | string | null
  referrer_id: string
  referee_id: string
  referrer_points: number
  referee_points: number
  order_id: string | null
  program_version: number
}

/**
 * The credit of one side of a rewarded referral whose rewards are not posted
 * yet (null when there is nothing to pay on that side): keyed
 * `referral:<id>:<side>`, an `earn` under the program's current version,
 * expiring `expiry_months` after `at`. One rule for the referral's own
 * workflow and the repair pass's page, so both write the same credits.
 */
export function referralRewardPosting(
  referral: RewardedReferral | null,
  side: "referrer" | "referee",
  rules: Pick<ProgramRules, "version" | "expiry_months">,
  at: Date
): CreditPosting | null {
  if (!referral || referral.status !== "rewarded" || referral.rewards_posted_at) return null
  const points = side === "referrer" ? referral.referrer_points : referral.referee_points
  if (points <= 0) return null
  return earnPosting(rules, at, {
    customer_id: side === "referrer" ? referral.referrer_id : referral.referee_id,
    idempotency_key: IdempotencyKeys.referralReward(referral.id, side),
    points,
    reason:
      side === "referrer"
        ? "Referral reward: a friend you invited completed their first order"
        : "Referral reward: welcome, you joined through a friend's invitation",
    reference_type: ReferenceTypes.REFERRAL,
    reference_id: referral.id,
    details: { referral_id: referral.id, side, order_id: referral.order_id, referral_program_version: referral.program_version },
  })
}
