import type { InferTypeOf } from "@medusajs/framework/types"
import type Referral from "./models/referral"
import type ReferralCode from "./models/referral-code"
import type { NewReferralFlag, ReferralFlag, ReferralStatus } from "../../lib/referrals/rules"
import type { ReferralRewardedEventData } from "../../lib/shared/events"

export type { NewReferralFlag, ReferralFlag, ReferralStatus }

export type ReferralCodeRecord = InferTypeOf<typeof ReferralCode>

/** A referral as stored (the generated DTO). */
export type ReferralRecord = InferTypeOf<typeof Referral>

/** A status change and the row as it was before, so a compensation can put it back. */
export type ReferralTransition = {
  referral: ReferralRecord
  previous: ReferralRecord
}

export type CreateReferralInput = {
  code: string
  referrer_id: string
  referee_id: string
  /** Found before the referral exists (same email, phone, address); velocity is added under the referrer's lock. */
  flags: NewReferralFlag[]
  now: Date
}

export type ClaimAttemptResult = {
  allowed: boolean
  /** The attempt recorded (only when allowed), for compensation. */
  attempt_id: string | null
  /** Which limit refused the attempt. */
  limited_by: "customer" | "address" | null
  /** Seconds until the oldest counted attempt leaves the window. */
  retry_after_seconds: number
}

export type ReferralDecisionInput = {
  referral_id: string
  decision: "approve" | "reject"
  actor_id: string
  note: string
  now: Date
}

/** A referral whose rewards a page noted: what `loyalty.referral.rewarded` says of it. */
export type PostedReward = ReferralRewardedEventData

/**
 * The rewards a payment noted on a referral, as written: what its
 * compensation compares before forgetting them (`rewards_posted_at` as
 * Postgres prints it, to the microsecond, or any ISO form of the same instant).
 */
export type RewardsNote = {
  referral_id: string
  rewards_posted_at: string
  referrer_entry_id: string | null
  referee_entry_id: string | null
}
