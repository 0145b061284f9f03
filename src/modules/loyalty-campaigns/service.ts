import { InjectManager, InjectTransactionManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import { knexOf, lockingTransaction, SharedContext } from "../../lib/db"
import { CampaignDefinition, EarningRule as EarningRuleTerms, VERSIONED_FIELDS } from "../../lib/campaigns/rules"
import Campaign from "./models/campaign"
import CampaignAward from "./models/campaign-award"
import EarningRule from "./models/earning-rule"
import {
  CampaignAwardRecord,
  CampaignRecord,
  CampaignResults,
  CampaignsPluginOptions,
  ReserveAwardsInput,
  ReservedAward,
} from "./types"

type InjectedDependencies = Record<string, unknown>

/** The plugin options; this module reads the `campaigns` key. */
export type LoyaltyCampaignsOptions = { campaigns?: CampaignsPluginOptions }

const WRITES = "Campaign budget reservations"

/** A campaign row as `json_agg` gives it: its dates as text. */
type CampaignJson = Omit<CampaignRecord, "starts_at" | "ends_at"> & { starts_at: string | null; ends_at: string | null }


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
    tier_ids: row.tier_ids ?? [],
    customer_group_ids: row.customer_group_ids ?? [],
    segments: row.segments ?? [],
    sales_channel_ids: row.sales_channel_ids ?? [],
    product_ids: row.product_ids ?? [],
    collection_ids: row.collection_ids ?? [],
    category_ids: row.category_ids ?? [],
    budget_points: row.budget_points ?? null,
    per_customer_cap: row.per_customer_cap ?? null,
  }
}

/**
 * Bonus campaigns, their awards and the per-product earning rules. Reads and
 * ordinary writes are `MedusaService`'s generated methods; the budget and
 * the per-customer cap are enforced in Postgres (`reserveAwards`: the
 * campaign rows locked, then the sums checked and raised in one transaction),
 * so they hold across concurrent orders and processes.
 */
export default class LoyaltyCampaignsModuleService extends MedusaService({
  Campaign,
  CampaignAward,
  EarningRule,
}) {
  protected readonly options_: CampaignsPluginOptions

  constructor(container: InjectedDependencies, options: LoyaltyCampaignsOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = options?.campaigns ?? {}
  }

  /** The store's time zone (plugin option `campaigns.timeZone`), the default of new campaigns. */
  defaultTimeZone(): string {
    return this.options_.timeZone ?? "UTC"
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
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT
         (SELECT coalesce(json_agg(c ORDER BY c.priority DESC, c.id), '[]') FROM loyalty_campaign c
           WHERE c.deleted_at IS NULL AND c.status IN ('scheduled', 'live')
             AND (c.starts_at IS NULL OR c.starts_at <= :at) AND (c.ends_at IS NULL OR c.ends_at > :at)) AS campaigns,
         (SELECT coalesce(json_agg(json_build_object('target_type', r.target_type, 'target_id', r.target_id, 'factor', r.factor) ORDER BY r.id), '[]')
            FROM loyalty_earning_rule r WHERE r.deleted_at IS NULL) AS earning_rules`,
      { at }
    )
    const { campaigns, earning_rules }: { campaigns: CampaignJson[]; earning_rules: EarningRuleTerms[] } = rows[0]
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
  async reviseCampaign(
    id: string,
    changes: Partial<Omit<CampaignRecord, "id" | "version" | "spent_points" | "created_at" | "updated_at" | "deleted_at">>,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CampaignRecord> {
    const trx = await lockingTransaction(sharedContext, "Campaign changes")
    const { rows } = await trx.raw("SELECT * FROM loyalty_campaign WHERE id = ? AND deleted_at IS NULL FOR UPDATE", [id])
    if (!rows[0]) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Campaign ${id} was not found`)
    const current = await this.retrieveCampaign(id, {}, sharedContext)
    const changed = VERSIONED_FIELDS.some(
      (field) => field in changes && JSON.stringify(changes[field] ?? null) !== JSON.stringify(normalized(current[field]))
    )
    return this.updateCampaigns({ id, ...changes, ...(changed ? { version: current.version + 1 } : {}) }, sharedContext)
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
    const ids = [...new Set(input.awards.map((a) => a.campaign_id))].sort()
    const { rows: campaigns } = await trx.raw(
      `SELECT id, budget_points, spent_points, per_customer_cap FROM loyalty_campaign
        WHERE id = ANY(?) ORDER BY id FOR UPDATE`,
      [ids]
    )
    const byId = new Map<string, { budget_points: number | null; spent_points: number; per_customer_cap: number | null }>(
      campaigns.map((c: { id: string; budget_points: number | null; spent_points: number; per_customer_cap: number | null }) => [c.id, c])
    )
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
      let points = Math.max(0, Math.floor(award.requested_points))
      if (campaign.budget_points !== null) points = Math.min(points, Math.max(campaign.budget_points - campaign.spent_points, 0))
      if (campaign.per_customer_cap !== null && points > 0) {
        const { rows } = await trx.raw(
          `SELECT COALESCE(SUM(points), 0)::int AS points FROM loyalty_campaign_award
            WHERE campaign_id = ? AND customer_id = ? AND deleted_at IS NULL`,
          [award.campaign_id, input.customer_id]
        )
        points = Math.min(points, Math.max(campaign.per_customer_cap - rows[0].points, 0))
      }
      const created = await this.createCampaignAwards(
        {
          campaign_id: award.campaign_id,
          campaign_version: award.campaign_version,
          customer_id: input.customer_id,
          order_id: input.order_id,
          requested_points: Math.max(0, Math.floor(award.requested_points)),
          points,
          order_amount: input.order_amount,
          currency_code: input.currency_code,
        },
        sharedContext
      )
      if (points > 0) {
        await trx.raw("UPDATE loyalty_campaign SET spent_points = spent_points + ? WHERE id = ?", [points, award.campaign_id])
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
    for (const award of [...awards].sort((a, b) => a.campaign_id.localeCompare(b.campaign_id))) {
      await trx.raw("UPDATE loyalty_campaign SET spent_points = spent_points - ? WHERE id = ?", [award.points, award.campaign_id])
    }
    await trx.raw("DELETE FROM loyalty_campaign_award WHERE id = ANY(?)", [awardIds])
  }

  /** Points issued, orders, customers and order amounts per campaign (one grouped query). */
  @InjectManager()
  async campaignResults(campaignIds: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<CampaignResults[]> {
    if (!campaignIds.length) return []
    const rows = await knexOf(sharedContext)("loyalty_campaign_award")
      .whereIn("campaign_id", campaignIds)
      .whereNull("deleted_at")
      .where("points", ">", 0)
      .groupBy("campaign_id", "currency_code")
      .select(
        "campaign_id",
        "currency_code",
        knexOf(sharedContext).raw("SUM(points)::int AS points"),
        knexOf(sharedContext).raw("COUNT(*)::int AS orders"),
        knexOf(sharedContext).raw("COUNT(DISTINCT customer_id)::int AS customers"),
        knexOf(sharedContext).raw("SUM(order_amount)::float AS amount")
      )
    return campaignIds.map((id) => {
      const mine = rows.filter((r: { campaign_id: string }) => r.campaign_id === id)
      return {
        campaign_id: id,
        points: mine.reduce((s: number, r: { points: number }) => s + r.points, 0),
        orders: mine.reduce((s: number, r: { orders: number }) => s + r.orders, 0),
        customers: mine.reduce((s: number, r: { customers: number }) => Math.max(s, r.customers), 0),
        order_amounts: Object.fromEntries(mine.map((r: { currency_code: string; amount: number }) => [r.currency_code, r.amount])),
      }
    })
  }
}

/** A stored value as a change to it would be spelled (dates as ISO strings). */
function normalized(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value ?? null
}
