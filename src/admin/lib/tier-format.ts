import { formatPoints } from "./format"
import type { LoyaltyTier, LoyaltyTierChangeReason, LoyaltyTierMetric } from "./loyalty-api"
import type { BadgeColor } from "./format"

/** "1,000 points", "5 orders", "500 EUR or 550 USD". */
export const describeReach = (tier: Pick<LoyaltyTier, "metric" | "threshold" | "spend_thresholds">) =>
  tier.metric === "spend"
    ? Object.entries(tier.spend_thresholds ?? {})
        .map(([code, value]) => `${value} ${code.toUpperCase()}`)
        .join(" or ")
    : `${formatPoints(tier.threshold)} ${tier.metric}`

/** "120 points", "2 orders", "75.5 EUR". */
export const describeAmount = (metric: LoyaltyTierMetric, value: number, currencyCode?: string | null) =>
  metric === "spend"
    ? `${Number(value.toFixed(2))} ${(currencyCode ?? "").toUpperCase()}`.trim()
    : `${formatPoints(value)} ${metric === "points" ? (value === 1 ? "point" : "points") : value === 1 ? "order" : "orders"}`

export const TIER_REASON_LABELS: Record<LoyaltyTierChangeReason, string> = {
  qualified: "Qualified",
  review: "Period review",
  override: "Override",
  override_ended: "Override ended",
  tier_deleted: "Tier deleted",
}

export const TIER_REASON_COLORS: Record<LoyaltyTierChangeReason, BadgeColor> = {
  qualified: "green",
  review: "orange",
  override: "purple",
  override_ended: "grey",
  tier_deleted: "red",
}
