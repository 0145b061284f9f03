import type { NewReferralFlag, ReferralFlag, ReferralStatus } from "../../lib/referrals/rules"

export type { NewReferralFlag, ReferralFlag, ReferralStatus }

export type ReferralCodeRecord = {
  id: string
  customer_id: string
  code: string
  created_at: Date
}

/** A referral as stored, with its flags parsed. */
export type ReferralRecord = {
  id: string
  code: string
  referrer_id: string
  referee_id: string
  status: ReferralStatus
  flags: ReferralFlag[]
  order_id: string | null
  program_version: number
  referrer_points: number
  referee_points: number
  min_order_amounts: Record<string, number>
  claimed_at: Date
  qualified_at: Date | null
  rewarded_at: Date | null
  rewards_posted_at: Date | null
  referrer_entry_id: string | null
  referee_entry_id: string | null
  decision: "approved" | "rejected" | null
  decided_by: string | null
  decided_at: Date | null
  decision_note: string | null
  created_at: Date
  updated_at: Date
}

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
