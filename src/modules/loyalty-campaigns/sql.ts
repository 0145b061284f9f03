import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { AwardSums } from "../../lib/campaigns/awards"
import { EarningRule as EarningRuleTerms } from "../../lib/campaigns/rules"
import { CampaignRecord } from "./types"

/**
 * The campaigns module's SQL, in one place: only what Postgres is the point
 * of. The earning terms in one statement (read on every award and cart
 * preview), the campaign row locks (a new version under the row's lock; the
 * budgets locked in id order before awards are reserved), the budget raised
 * and given back in place, a customer's awarded points for the cap, and the
 * results grouped per campaign and currency. Everything else goes through
 * `MedusaService`'s generated methods.
 */

/** A campaign row as `json_agg` gives it: its dates as text. */
export type CampaignJson = Omit<CampaignRecord, "starts_at" | "ends_at"> & { starts_at: string | null; ends_at: string | null }

/** A campaign's budget and cap as the reservation reads them under the lock. */
export type CampaignBudget = { id: string; budget_points: number | null; spent_points: number; per_customer_cap: number | null }

/**
 * What earning between `from` and `to` may take from this module: the
 * published campaigns (scheduled or live) whose window meets that span,
 * highest priority first, and every per-product earning rule, in one round
 * trip. With `from` = `to` = `at`: the campaigns whose window contains `at`
 * (started at or before it, not ended by it), what an order placed at `at`
 * earns with.
 */
export async function earningTermsBetween(
  knex: Knex,
  from: Date,
  to: Date
): Promise<{ campaigns: CampaignJson[]; earning_rules: EarningRuleTerms[] }> {
  const { rows } = await knex.raw(
    `SELECT
       (SELECT coalesce(json_agg(c ORDER BY c.priority DESC, c.id), '[]') FROM loyalty_campaign c
         WHERE c.deleted_at IS NULL AND c.status IN ('scheduled', 'live')
           AND (c.starts_at IS NULL OR c.starts_at <= :to) AND (c.ends_at IS NULL OR c.ends_at > :from)) AS campaigns,
       (SELECT coalesce(json_agg(json_build_object('target_type', r.target_type, 'target_id', r.target_id, 'factor', r.factor) ORDER BY r.id), '[]')
          FROM loyalty_earning_rule r WHERE r.deleted_at IS NULL) AS earning_rules`,
    { from, to }
  )
  return rows[0]
}

/** Lock a campaign's row for the rest of the transaction before it is changed; false when there is none. */
export async function lockCampaign(trx: Knex.Transaction, id: string): Promise<boolean> {
  const { rows } = await trx.raw("SELECT id FROM loyalty_campaign WHERE id = ? AND deleted_at IS NULL FOR UPDATE", [id])
  return rows.length > 0
}

/** Lock these campaigns' rows in id order (no deadlock between two orders) and read their budgets and caps. */
export async function lockCampaignBudgets(trx: Knex.Transaction, ids: string[]): Promise<CampaignBudget[]> {
  const { rows }: { rows: (Omit<CampaignBudget, "spent_points"> & { spent_points: string })[] } = await trx.raw(
    `SELECT id, budget_points, spent_points, per_customer_cap FROM loyalty_campaign
      WHERE id = ANY(?) ORDER BY id FOR UPDATE`,
    [[...ids].sort()]
  )
  // `spent_points` is numeric: Postgres sends it as a string.
  return rows.map((row) => ({ ...row, spent_points: Number(row.spent_points) }))
}

/** The points a customer has been awarded by a campaign so far (for its per-customer cap). */
export async function customerAwardedPoints(trx: Knex.Transaction, campaignId: string, customerId: string): Promise<number> {
  const { rows } = await trx.raw(
    `SELECT COALESCE(SUM(points), 0)::int AS points FROM loyalty_campaign_award
      WHERE campaign_id = ? AND customer_id = ? AND deleted_at IS NULL`,
    [campaignId, customerId]
  )
  return rows[0].points
}

/**
 * Add `points` to a locked campaign's spent budget (negative: give them
 * back), in place, with the big-number column's raw JSON from the same sum.
 */
export async function addSpentPoints(trx: Knex.Transaction, campaignId: string, points: number): Promise<void> {
  await trx.raw(
    `UPDATE loyalty_campaign SET spent_points = spent_points + :points,
            raw_spent_points = jsonb_build_object('value', (spent_points + :points)::text, 'precision', 20)
      WHERE id = :id`,
    { points, id: campaignId }
  )
}

/** The awards with points of these campaigns, summed per campaign and currency (one grouped query). */
export async function awardSums(knex: Knex, campaignIds: string[]): Promise<AwardSums[]> {
  const rows: (Omit<AwardSums, "points"> & { points: string })[] = await knex("loyalty_campaign_award")
    .whereIn("campaign_id", campaignIds)
    .whereNull("deleted_at")
    .where("points", ">", 0)
    .groupBy("campaign_id", "currency_code")
    .select(
      "campaign_id",
      "currency_code",
      // A campaign's points add up past a 32-bit integer in time: bigint, sent as a string.
      knex.raw("SUM(points)::bigint AS points"),
      knex.raw("COUNT(*)::int AS orders"),
      knex.raw("COUNT(DISTINCT customer_id)::int AS customers"),
      knex.raw("SUM(order_amount)::text AS amount")
    )
  return rows.map((row) => ({ ...row, points: Number(row.points) }))
}
