import { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_CAMPAIGNS_MODULE } from "../../modules/loyalty-campaigns"
import type LoyaltyCampaignsModuleService from "../../modules/loyalty-campaigns/service"
import { insightsModule } from "../admin/loyalty/insights/views"
import { preferencesView } from "./preferences"
import { referralsModule } from "./referral-views"
import { tiersModule } from "./tier-views"
import { pointsModule } from "./views"

/**
 * Everything the plugin holds about one customer, for a data access request
 * (GDPR art. 15): the points account and its whole ledger, lots, coupons,
 * preferences, tier status, history and overrides, referral code and
 * referrals both ways, campaign awards, feedback and insights. Read from each
 * module through its own service; nothing is left out for size (a customer's
 * rows are few).
 */
export async function memberExport(scope: MedusaContainer, customerId: string) {
  const points = pointsModule(scope)
  const tiers = tiersModule(scope)
  const referrals = referralsModule(scope)
  const insights = insightsModule(scope)
  const campaigns = scope.resolve<LoyaltyCampaignsModuleService>(LOYALTY_CAMPAIGNS_MODULE)
  const all = { take: null, order: { created_at: "ASC" as const } }

  const [account] = await points.listAccounts({ customer_id: customerId }, { take: 1 })
  const [entries, lots, coupons] = account
    ? await Promise.all([
        points.listEntries({ account_id: account.id }, all),
        points.listLots({ account_id: account.id }, all),
        points.listCoupons({ customer_id: customerId }, all),
      ])
    : [[], [], []]
  const [tierStatus, tierHistory, tierOverrides, codes, referred, referredBy, awards, feedback, insight, preferences] =
    await Promise.all([
      tiers.customerStatus(customerId, new Date()),
      tiers.listTierHistories({ customer_id: customerId }, all),
      tiers.listTierOverrides({ customer_id: customerId }, all),
      referrals.listReferralCodes({ customer_id: customerId }, all),
      referrals.listReferrals({ referrer_id: customerId }, all),
      referrals.listReferrals({ referee_id: customerId }, all),
      campaigns.listCampaignAwards({ customer_id: customerId }, all),
      insights.listFeedbacks({ customer_id: customerId }, all),
      insights.customerInsight(customerId),
      preferencesView(scope, customerId),
    ])
  return {
    customer_id: customerId,
    exported_at: new Date().toISOString(),
    points: { account: account ?? null, entries, lots, coupons, preferences },
    tiers: { current: tierStatus.current, earned: tierStatus.earned, history: tierHistory, overrides: tierOverrides },
    referrals: { codes, referred, referred_by: referredBy },
    campaigns: { awards },
    feedback,
    insights: insight,
  }
}
