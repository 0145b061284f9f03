import type { LoyaltyPluginOptions } from "../../lib/shared/options"
import { TierDefinition, TierMetrics, TierProgress, TierSettings, TierWindow } from "../../lib/tiers/rules"

export type { TierDefinition, TierMetrics, TierProgress, TierSettings, TierWindow }

/** The plugin options; this module reads the `tiers` key (or the deprecated flat `tier*` names). */
export type LoyaltyTiersOptions = LoyaltyPluginOptions

export type LoyaltyTier = TierDefinition & {
  metadata: Record<string, unknown> | null
  created_at: Date
  updated_at: Date
}

export type TierRef = { id: string; name: string; rank: number }

export type TierChangeReason = "qualified" | "review" | "override" | "override_ended" | "tier_deleted"

/** The membership columns a change moves, kept to undo it. */
export type MembershipState = {
  tier_id: string | null
  earned_tier_id: string | null
  qualified_at: Date | null
  qualified_until: Date | null
  override_id: string | null
}

/** A change of the tier in effect, as written to the history. */
export type TierChange = {
  history_id: string
  customer_id: string
  from: TierRef | null
  to: TierRef | null
  reason: TierChangeReason
  direction: "up" | "down"
  note: string
  qualified_until: Date | null
  /** The groups the customer leaves and joins (the tiers' customer groups). */
  from_group_id: string | null
  to_group_id: string | null
  /** Points the new tier gives on reaching it by activity (0 for overrides, reviews down, moves). */
  bonus_points: number
}

/** What a write did to one customer's membership: enough to announce it and to undo it. */
export type MembershipWrite = {
  customer_id: string
  before: MembershipState
  after: MembershipState
  /**
   * The changes of the tier in effect, in order: an override that had run out
   * ends first, then what the write decided. Empty when the tier in effect
   * did not change (e.g. only `qualified_until` moved).
   */
  changes: TierChange[]
  /** Overrides this write created or ended, so a compensation can undo them. */
  created_override_id?: string | null
  ended_override_ids?: string[]
}

export type TierHistoryEntry = {
  id: string
  customer_id: string
  from_tier_id: string | null
  from_tier_name: string | null
  to_tier_id: string | null
  to_tier_name: string | null
  reason: TierChangeReason
  note: string
  actor_type: "system" | "admin"
  actor_id: string | null
  qualified_until: Date | null
  details: Record<string, unknown> | null
  created_at: Date
}

export type TierOverrideRecord = {
  id: string
  customer_id: string
  tier_id: string | null
  reason: string
  created_by: string
  ends_at: Date | null
  ended_at: Date | null
  ended_by: string | null
  end_reason: string | null
  created_at: Date
}

/** A customer's tier as of a moment: what they have, why, for how long, and what is next. */
export type CustomerTierStatus = {
  customer_id: string
  /** The tier in effect now: an active override's, else the earned one. */
  current: LoyaltyTier | null
  earned: LoyaltyTier | null
  override: TierOverrideRecord | null
  qualified_at: Date | null
  /** The earned tier is kept until then; its review runs after the grace days. */
  kept_until: Date | null
  review_at: Date | null
  settings: TierSettings
  window: { start: Date | null; end: Date }
  metrics: TierMetrics
  next: TierProgress | null
}

export type ActivityInput = {
  customer_id: string
  order_id: string | null
  currency_code: string | null
  points: number
  amount: number
  orders: number
  occurred_at: Date
  source_id: string | null
  idempotency_key: string
}

export type TierInput = {
  name: string
  rank?: number
  metric: TierDefinition["metric"]
  threshold?: number | null
  spend_thresholds?: Record<string, number> | null
  earn_multiplier?: number
  perks?: string | null
  customer_group_id?: string | null
  bonus_points?: number
  metadata?: Record<string, unknown> | null
}

export type TierPreview = {
  window: { start: Date | null; end: Date }
  customers_with_activity: number
  tiers: { id: string | null; name: string; rank: number; qualifying: number; members: number }[]
  /** Customers with activity that reaches no tier, and members without a tier. */
  without_tier: { qualifying: number }
}
