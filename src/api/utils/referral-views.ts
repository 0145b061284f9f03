import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { ReferralProgramSettings } from "../../lib/referrals/rules"
import { LOYALTY_REFERRALS_MODULE } from "../../modules/loyalty-referrals"
import type LoyaltyReferralsModuleService from "../../modules/loyalty-referrals/service"
import { ReferralRecord } from "../../modules/loyalty-referrals/types"

export const referralsModule = (scope: MedusaContainer) =>
  scope.resolve<LoyaltyReferralsModuleService>(LOYALTY_REFERRALS_MODULE)

/** One side of a referral as staff see it; `deleted`: the customer is gone, only the id is left. */
export type ReferralParty = {
  id: string
  email: string | null
  first_name: string | null
  last_name: string | null
  deleted?: boolean
}

/** The customer of one side, or what is left of a deleted one. */
const partyOf = (parties: Map<string, ReferralParty>, id: string): ReferralParty =>
  parties.get(id) ?? { id, email: null, first_name: null, last_name: null, deleted: true }

/** The customers on both sides of some referrals, in one query; deleted customers are missing from the map. */
export async function referralParties(
  scope: MedusaContainer,
  referrals: ReferralRecord[]
): Promise<Map<string, ReferralParty>> {
  const ids = Array.from(new Set(referrals.flatMap((r) => [r.referrer_id, r.referee_id])))
  if (!ids.length) return new Map()
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "customer",
    fields: ["id", "email", "first_name", "last_name"],
    filters: { id: ids },
  })
  return new Map(
    data.map((c) => [c.id, { id: c.id, email: c.email ?? null, first_name: c.first_name ?? null, last_name: c.last_name ?? null }])
  )
}

/** Everything staff need to judge a referral, flags and decision included (the admin's `AdminReferral` is its type). */
export function adminReferralView(referral: ReferralRecord, parties: Map<string, ReferralParty>) {
  return {
    id: referral.id,
    code: referral.code,
    status: referral.status,
    flags: referral.flags,
    order_id: referral.order_id,
    referrer: partyOf(parties, referral.referrer_id),
    referee: partyOf(parties, referral.referee_id),
    referrer_points: referral.referrer_points,
    referee_points: referral.referee_points,
    min_order_amounts: referral.min_order_amounts,
    program_version: referral.program_version,
    claimed_at: referral.claimed_at,
    qualified_at: referral.qualified_at,
    rewarded_at: referral.rewarded_at,
    referrer_entry_id: referral.referrer_entry_id,
    referee_entry_id: referral.referee_entry_id,
    decision: referral.decision,
    decided_by: referral.decided_by,
    decided_at: referral.decided_at,
    decision_note: referral.decision_note,
    /** Why a reward was not paid: the whole referral (`forfeited`) or one deleted customer's side. */
    forfeit_reason: referral.forfeit_reason ?? null,
  }
}

/**
 * What a shopper sees of a referral. A referral held for review reads
 * "in_review" with no reasons: the fraud rules are explained to staff, not to
 * whoever might be gaming them. The other side is shown by first name and
 * initial only.
 */
export function storeReferralView(
  referral: ReferralRecord,
  side: "referrer" | "referee",
  parties: Map<string, ReferralParty>
) {
  const other = parties.get(side === "referrer" ? referral.referee_id : referral.referrer_id)
  return {
    id: referral.id,
    status: referral.status === "flagged" ? "in_review" : referral.status,
    friend: displayName(other),
    points: side === "referrer" ? referral.referrer_points : referral.referee_points,
    claimed_at: referral.claimed_at,
    qualified_at: referral.qualified_at,
    rewarded_at: referral.rewarded_at,
  }
}

const displayName = (party: ReferralParty | undefined) => {
  if (!party?.first_name) return "A friend"
  return party.last_name ? `${party.first_name} ${party.last_name.charAt(0)}.` : party.first_name
}

/** The public part of the program: what a shopper is promised and under which conditions. */
export function storeProgramView(program: ReferralProgramSettings) {
  return {
    enabled: program.enabled,
    referrer_points: program.referrer_points,
    referee_points: program.referee_points,
    min_order_amounts: program.min_order_amounts,
    claim_window_days: program.claim_window_days,
  }
}
