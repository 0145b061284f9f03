import type { LoyaltyPluginOptions } from "../../lib/shared/options"
import type { InferTypeOf } from "@medusajs/framework/types"
import type TierHistory from "./models/history"
import type TierOverride from "./models/override"
import type Tier from "./models/tier"
import { TierDefinition, TierMetrics, TierProgress, TierSettings, TierWindow } from "../../lib/tiers/rules"

export type { TierDefinition, TierMetrics, TierProgress, TierSettings, TierWindow }

/** The plugin options; this module reads the `tiers` key (or the deprecated flat `tier*` names). */
export type LoyaltyTiersOptions = LoyaltyPluginOptions

/** The columns each record shows outside the module; the rest (keys, bookkeeping) stay inside. */
export const TIER_FIELDS = [
  "id", "name", "rank", "metric", "threshold", "spend_thresholds", "earn_multiplier", "perks",
  "customer_group_id", "bonus_points", "metadata", "created_at", "updated_at",
] as const
export const OVERRIDE_FIELDS = [
  "id", "customer_id", "tier_id", "reason", "created_by", "ends_at", "ended_at", "ended_by", "end_reason", "created_at",
] as const
export const HISTORY_FIELDS = [
  "id", "customer_id", "from_tier_id", "from_tier_name", "to_tier_id", "to_tier_name", "reason", "note",
  "actor_type", "actor_id", "qualified_until", "details", "created_at",
] as const

/** A tier (the generated DTO's public columns). */
export type LoyaltyTier = Pick<InferTypeOf<typeof Tier>, (typeof TIER_FIELDS)[number]>

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

/** A line of a customer's tier history as staff see it (the generated DTO's public columns). */
export type TierHistoryEntry = Pick<InferTypeOf<typeof TierHistory>, (typeof HISTORY_FIELDS)[number]>

/** An override as staff see it (the generated DTO's public columns). */
export type TierOverrideRecord = Pick<InferTypeOf<typeof TierOverride>, (typeof OVERRIDE_FIELDS)[number]>

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
