import { model } from "@medusajs/framework/utils"

/**
 * The order facts of a customer in a run, as the aggregation hands them over:
 * the columns this scratch table and the run's `loyalty_customer_insight` rows
 * share (the insight row gives some of them defaults). Fresh property builders
 * on every call, so each model owns its own.
 */
export function customerFactColumns() {
  return {
    run_id: model.text(),
    customer_id: model.text(),
    is_member: model.boolean(),
    orders_count: model.number(),
    purchase_days: model.number(),
    /**
     * Purchase days with a value (at least one order in a currency with a rate), and those of them after
     * the first day: the spend figures are means over these, a day with no value counts for frequency only.
     */
    valued_days: model.number(),
    valued_repeat_days: model.number(),
    first_order_at: model.dateTime(),
    last_order_at: model.dateTime(),
    recency_days: model.number(),
    tx_days: model.number(),
    age_days: model.number(),
    monetary: model.bigNumber(),
    monetary_by_currency: model.json(),
    repeat_mean: model.bigNumber(),
    recent_spend: model.bigNumber(),
    prior_spend: model.bigNumber(),
    gap_before_last: model.number().nullable(),
    nps_score: model.number().nullable(),
    referrals: model.number(),
    redeemed_points: model.number(),
    /** The holdout check's facts as of the holdout's start (null for customers who first bought after it). */
    cal_purchase_days: model.number().nullable(),
    cal_tx_days: model.number().nullable(),
    cal_age_days: model.number().nullable(),
    holdout_purchase_days: model.number().nullable(),
  }
}

/**
 * Scratch rows of a recompute in progress (an UNLOGGED table, see its
 * migration): each customer's order facts as the aggregation hands them over,
 * read by the fits, the holdout check and the scoring pass. The run's
 * `loyalty_customer_insight` rows are then written once, facts and scores
 * together (from this table and `loyalty_customer_score`), instead of
 * inserted with their facts and rewritten with their scores: each of those
 * writes costs the row's five indexes and its WAL. Emptied when the run
 * ends; nothing reads it between runs. `id` becomes the insight row's id.
 */
const CustomerFact = model.define("loyalty_customer_fact", {
  id: model.text().primaryKey(),
  ...customerFactColumns(),
})

export default CustomerFact
