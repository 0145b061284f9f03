import { MedusaContainer } from "@medusajs/framework/types"
import { TierSettings } from "../../lib/tiers/rules"
import { LOYALTY_TIERS_MODULE } from "../../modules/loyalty-tiers"
import type LoyaltyTiersModuleService from "../../modules/loyalty-tiers/service"
import { CustomerTierStatus, LoyaltyTier, OVERRIDE_FIELDS, TierHistoryEntry } from "../../modules/loyalty-tiers/types"

export const tiersModule = (scope: MedusaContainer) => scope.resolve<LoyaltyTiersModuleService>(LOYALTY_TIERS_MODULE)

/** A tier as staff see it, with how many customers are in it now. */
export function adminTierView(tier: LoyaltyTier, members?: number) {
  return { ...tier, ...(members === undefined ? {} : { members }) }
}

/** A tier as shoppers see it: no group ids, no metadata. */
export function storeTierView(tier: LoyaltyTier) {
  return {
    id: tier.id,
    name: tier.name,
    rank: tier.rank,
    metric: tier.metric,
    threshold: tier.threshold,
    spend_thresholds: tier.spend_thresholds,
    earn_multiplier: tier.earn_multiplier,
    perks: tier.perks,
    bonus_points: tier.bonus_points,
  }
}

/** "Activity of the last 12 months", in words for shoppers. */
export function describeWindow(settings: TierSettings): string {
  const grace = settings.grace_days
    ? `, with ${settings.grace_days} day${settings.grace_days === 1 ? "" : "s"} of grace before a downgrade`
    : ""
  switch (settings.window) {
    case "rolling":
      return `Tiers count orders released in the last ${settings.window_months} months; a tier is kept ${settings.window_months} months from when it was last reached${grace}`
    case "calendar_year":
      return `Tiers count orders released in the calendar year; a tier reached this year is kept through the end of next year${grace}`
    case "lifetime":
      return "Tiers count every order ever released; a tier once reached is kept"
  }
}

const progressView = (status: CustomerTierStatus) =>
  status.next
    ? {
        tier: status.next.tier,
        metric: status.next.metric,
        currency_code: status.next.currency_code,
        current: status.next.current,
        target: status.next.target,
        missing: status.next.missing,
        by: status.next.by,
      }
    : null

const qualificationView = (status: CustomerTierStatus) => ({
  window: status.settings.window,
  window_months: status.settings.window_months,
  grace_days: status.settings.grace_days,
  start: status.window.start,
  end: status.window.end,
  points: status.metrics.points,
  orders: status.metrics.orders,
  spend: status.metrics.spend,
})

/**
 * What the shopper sees: the tier in effect, the date it is kept until (the
 * override's end while staff override it; else the end of the period, with
 * the review date after grace), the activity that counts and what is missing
 * for the next tier, by when.
 */
export function storeTierStatusView(status: CustomerTierStatus) {
  const overridden = !!status.override
  return {
    current: status.current ? storeTierView(status.current) : null,
    kept_until: overridden ? status.override!.ends_at : status.kept_until,
    review_at: overridden ? status.override!.ends_at : status.review_at,
    qualified_at: status.qualified_at,
    overridden,
    qualification: qualificationView(status),
    next: progressView(status),
  }
}

/** What staff see: the shopper's view plus the earned tier and the override with its author. */
export function adminTierStatusView(status: CustomerTierStatus) {
  return {
    ...storeTierStatusView(status),
    current: status.current,
    earned: status.earned,
    earned_kept_until: status.kept_until,
    earned_review_at: status.review_at,
    override: status.override,
  }
}

export const historyView = (entry: TierHistoryEntry) => {
  const { details: _, ...rest } = entry
  return rest
}

/** A customer's tier status with a page of history and the latest overrides, for the admin. */
export async function adminCustomerTier(
  scope: MedusaContainer,
  customerId: string,
  page: { limit: number; offset: number } = { limit: 20, offset: 0 }
) {
  const service = tiersModule(scope)
  const [status, history, overrides] = await Promise.all([
    service.customerStatus(customerId, new Date()),
    service.customerHistory(customerId, page),
    service.listTierOverrides({ customer_id: customerId }, { select: [...OVERRIDE_FIELDS], order: { created_at: "DESC" }, take: 10 }),
  ])
  return {
    tier: adminTierStatusView(status),
    history: history.history.map(historyView),
    has_more: history.has_more,
    limit: page.limit,
    offset: page.offset,
    overrides,
  }
}
