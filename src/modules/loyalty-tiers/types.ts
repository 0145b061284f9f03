import type { LoyaltyPluginOptions } from "../../lib/shared/options"
import type { InferTypeOf } from "@medusajs/framework/types"
import type TierHistory from "./models/history"
import type TierMembership from "./models/membership"
import type TierOverride from "./models/override"
import type Tier from "./models/tier"
import type { MembershipState, MembershipWrite, TierChange, TierChangeReason, TierRef } from "../../lib/tiers/membership"
import type { TierDefinition, TierInput, TierMetrics, TierProgress, TierSettings, TierWindow } from "../../lib/tiers/rules"

export type { TierDefinition, TierInput, TierMetrics, TierProgress, TierSettings, TierWindow }
export type { MembershipState, MembershipWrite, TierChange, TierChangeReason, TierRef }

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

/** A line of a customer's tier history as staff see it (the generated DTO's public columns). */
export type TierHistoryEntry = Pick<InferTypeOf<typeof TierHistory>, (typeof HISTORY_FIELDS)[number]>

/** A customer's tier membership as stored (the generated DTO). */
export type TierMembershipRecord = InferTypeOf<typeof TierMembership>

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

export type TierPreview = {
  window: { start: Date | null; end: Date }
  customers_with_activity: number
  tiers: { id: string | null; name: string; rank: number; qualifying: number; members: number }[]
  /** Customers with activity that reaches no tier, and members without a tier. */
  without_tier: { qualifying: number }
}
