import { InjectManager, InjectTransactionManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import { knexOf, lockingTransaction, SharedContext } from "../../lib/db"
import { awardWithin, CampaignResults, campaignResultsOf, pointsLeft } from "../../lib/campaigns/awards"
import { CampaignDefinition, changesTerms, EarningRule as EarningRuleTerms, targetingOf } from "../../lib/campaigns/rules"
import Campaign from "./models/campaign"
import CampaignAward from "./models/campaign-award"
import EarningRule from "./models/earning-rule"
import { addSpentPoints, awardSums, customerAwardedPoints, earningTermsBetween, lockCampaign, lockCampaignBudgets } from "./sql"
import type { CampaignJson } from "./sql"
import { CampaignAwardRecord, CampaignRecord, CampaignsPluginOptions, ReserveAwardsInput, ReservedAward } from "./types"

type InjectedDependencies = Record<string, unknown>

/** The plugin options; this module reads the `campaigns` key. */
export type LoyaltyCampaignsOptions = { campaigns?: CampaignsPluginOptions }

const WRITES = "Campaign budget reservations"

/** A stored campaign as the earning rules see it. */
export function toCampaignDefinition(row: CampaignRecord): CampaignDefinition {
  return {
    campaign_id: row.id,
    version: row.version,
    name: row.name,
    type: row.type,
    value: Number(row.value),
    rates: row.rates ?? null,
    min_order_amounts: row.min_order_amounts ?? null,
    stacking: row.stacking,
    stack_cap: row.stack_cap === null || row.stack_cap === undefined ? null : Number(row.stack_cap),
    priority: row.priority,
    status: row.status,
    starts_at: row.starts_at ?? null,
    ends_at: row.ends_at ?? null,
    recurrence: row.recurrence ?? null,
    time_zone: row.time_zone,
    ...targetingOf(row),
    budget_points: row.budget_points ?? null,
    per_customer_cap: row.per_customer_cap ?? null,
  }
}

/**
 * Bonus campaigns, their awards and the per-product earning rules. Reads and
 * ordinary writes are `MedusaService`'s generated methods; the budget and
 * the per-customer cap are enforced in Postgres (`reserveAwards`: the
 * campaign rows locked, then the sums checked and raised in one transaction),
 * so they hold across concurrent orders and processes. That SQL, and the
 * earning terms and results read in one statement each, are in `sql.ts`; the
 * rules (versioning, the points an award gets, results) in `lib/campaigns/`.
 */
export default class LoyaltyCampaignsModuleService extends MedusaService({
  Campaign,
  CampaignAward,
  EarningRule,
}) {
  constructor(container: InjectedDependencies, protected readonly options_: LoyaltyCampaignsOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
  }

  /** The store's time zone (plugin option `campaigns.timeZone`), the default of new campaigns. */
  defaultTimeZone(): string {
    return this.options_.campaigns?.timeZone ?? "UTC"
  }

  /**
   * What earning at `at` takes from this module, in one statement (it runs
   * on every award and cart preview): the published campaigns (scheduled or
   * live) whose window contains `at`, highest priority first, and every
   * per-product earning rule, as `lineFactor` takes them.
   */
  @InjectManager()
  async listEarningTerms(
    at: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ campaigns: CampaignDefinition[]; earning_rules: EarningRuleTerms[] }> {
    return earningTermsOf(await earningTermsBetween(knexOf(sharedContext), at, at))
  }

  /**
   * What earning at any instant from `from` to `to` may take from this
   * module, in one statement (the earnings catch-up's page of orders): the
   * published campaigns whose window meets that span, and every per-product
   * earning rule. `listEarningTerms(at)` for an instant in the span lists
   * those of these whose window contains it (`inWindow`).
   */
  @InjectManager()
  async listEarningTermsBetween(
    from: Date,
    to: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ campaigns: CampaignDefinition[]; earning_rules: EarningRuleTerms[] }> {
    return earningTermsOf(await earningTermsBetween(knexOf(sharedContext), from, to))
  }

  /** Every per-product earning rule, as `lineFactor` takes them. */
  @InjectManager()
  async listEarningRuleTerms(@MedusaContext() sharedContext: SharedContext = {}): Promise<EarningRuleTerms[]> {
    const rows = await this.listEarningRules({}, { select: ["target_type", "target_id", "factor"] }, sharedContext)
    return rows.map((row) => ({ target_type: row.target_type, target_id: row.target_id, factor: Number(row.factor) }))
  }

  /**
   * Change a campaign. A change to its terms, schedule or targeting is a new
   * version (taken under the row's lock, so two saves get two versions);
   * name, description and status are not terms.
   */
  @InjectTransactionManager()
  async updateCampaign(
    id: string,
    changes: Partial<Omit<CampaignRecord, "id" | "version" | "spent_points" | "created_at" | "updated_at" | "deleted_at">>,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CampaignRecord> {
    const trx = await lockingTransaction(sharedContext, "Campaign changes")
    if (!(await lockCampaign(trx, id))) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Campaign ${id} was not found`)
    const current = await this.retrieveCampaign(id, {}, sharedContext)
    const version = changesTerms(current, changes) ? { version: current.version + 1 } : {}
    return this.updateCampaigns({ id, ...changes, ...version }, sharedContext)
  }

  /**
   * Reserve an order's campaign points against each campaign's budget and
   * the customer's cap. The campaign rows are locked in id order (no
   * deadlock between two orders), then for each campaign: an award this
   * order already has is returned as it is (a replay); otherwise the award
   * is what the request, the budget left and the customer's cap left allow,
   * recorded (0 included) and added to `spent_points`. Twenty orders racing
   * for the last 100 points of a budget therefore issue exactly 100.
   */
  @InjectTransactionManager()
  async reserveAwards(input: ReserveAwardsInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<ReservedAward[]> {
    if (!input.awards.length) return []
    const trx = await lockingTransaction(sharedContext, WRITES)
    const campaigns = await lockCampaignBudgets(trx, [...new Set(input.awards.map((a) => a.campaign_id))])
    const byId = new Map(campaigns.map((campaign) => [campaign.id, campaign]))
    const result: ReservedAward[] = []
    for (const award of input.awards) {
      const campaign = byId.get(award.campaign_id)
      if (!campaign) continue
      const [existing] = await this.listCampaignAwards(
        { campaign_id: award.campaign_id, order_id: input.order_id },
        { take: 1 },
        sharedContext
      )
      if (existing) {
        result.push({
          campaign_id: award.campaign_id,
          points: existing.points,
          requested_points: existing.requested_points,
          created_id: null,
          budget_exhausted: false,
        })
        continue
      }
      let points = awardWithin(award.requested_points, pointsLeft(campaign.budget_points, campaign.spent_points))
      if (campaign.per_customer_cap !== null && points > 0) {
        const awarded = await customerAwardedPoints(trx, award.campaign_id, input.customer_id)
        points = awardWithin(points, pointsLeft(campaign.per_customer_cap, awarded))
      }
      const created = await this.createCampaignAwards(
        {
          campaign_id: award.campaign_id,
          campaign_version: award.campaign_version,
          customer_id: input.customer_id,
          order_id: input.order_id,
          requested_points: awardWithin(award.requested_points),
          points,
          order_amount: input.order_amount,
          currency_code: input.currency_code,
        },
        sharedContext
      )
      if (points > 0) {
        await addSpentPoints(trx, award.campaign_id, points)
        campaign.spent_points += points
      }
      result.push({
        campaign_id: award.campaign_id,
        points,
        requested_points: created.requested_points,
        created_id: created.id,
        budget_exhausted: points > 0 && campaign.budget_points !== null && campaign.spent_points >= campaign.budget_points,
      })
    }
    return result
  }

  /** Undo reservations this run made (a failed earning's compensation): the rows go, the budget comes back. */
  @InjectTransactionManager()
  async releaseAwards(awardIds: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    if (!awardIds.length) return
    const trx = await lockingTransaction(sharedContext, WRITES)
    const awards: CampaignAwardRecord[] = await this.listCampaignAwards({ id: awardIds }, {}, sharedContext)
    await giveBackSpent(trx, awards)
    await this.deleteCampaignAwards(awardIds, sharedContext)
  }

  /**
   * Give back a canceled order's awards: its campaign points were taken back
   * with the order's, so they count no longer against the campaigns' budgets,
   * the customer's caps or the campaigns' results. The rows are soft-deleted
   * (kept for the record). They are read again once their campaigns are
   * locked, so two calls for the same order give back once.
   */
  @InjectTransactionManager()
  async releaseOrderAwards(orderId: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<CampaignAwardRecord[]> {
    const trx = await lockingTransaction(sharedContext, WRITES)
    const seen: CampaignAwardRecord[] = await this.listCampaignAwards({ order_id: orderId }, { select: ["campaign_id"] }, sharedContext)
    if (!seen.length) return []
    await lockCampaignBudgets(trx, [...new Set(seen.map((award) => award.campaign_id))])
    const awards: CampaignAwardRecord[] = await this.listCampaignAwards({ order_id: orderId }, {}, sharedContext)
    await giveBackSpent(trx, awards)
    if (awards.length) await this.softDeleteCampaignAwards(awards.map((award) => award.id), {}, sharedContext)
    return awards
  }

  /** Points issued, orders, customers and order amounts per campaign (one grouped query). */
  @InjectManager()
  async campaignResults(campaignIds: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<CampaignResults[]> {
    if (!campaignIds.length) return []
    return campaignResultsOf(campaignIds, await awardSums(knexOf(sharedContext), campaignIds))
  }
}

/** The earning terms as the earning rules take them: campaigns with their dates, rules with numeric factors. */
function earningTermsOf({ campaigns, earning_rules }: { campaigns: CampaignJson[]; earning_rules: EarningRuleTerms[] }): {
  campaigns: CampaignDefinition[]
  earning_rules: EarningRuleTerms[]
} {
  return {
    campaigns: campaigns.map((row) =>
      toCampaignDefinition({
        ...row,
        starts_at: row.starts_at ? new Date(row.starts_at) : null,
        ends_at: row.ends_at ? new Date(row.ends_at) : null,
      })
    ),
    earning_rules: earning_rules.map((rule) => ({ ...rule, factor: Number(rule.factor) })),
  }
}

/** Take awards' points off their campaigns' spent budgets, campaign by campaign in id order (as the locks are taken). */
async function giveBackSpent(trx: Parameters<typeof addSpentPoints>[0], awards: CampaignAwardRecord[]): Promise<void> {
  for (const award of [...awards].sort((a, b) => a.campaign_id.localeCompare(b.campaign_id))) {
    if (award.points > 0) await addSpentPoints(trx, award.campaign_id, -award.points)
  }
}
