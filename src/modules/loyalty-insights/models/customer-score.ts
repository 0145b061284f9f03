import { model } from "@medusajs/framework/utils"

/**
 * Scratch rows of a recompute in progress (an UNLOGGED table, see its
 * migration): the scoring pass writes each customer's R/F/M scores, labels,
 * predictions and CLV here in batches, and one INSERT then writes them, with
 * the facts (`loyalty_customer_fact`) and the value ranks, as the run's
 * `loyalty_customer_insight` rows: each of those is written once. Emptied
 * when the run ends; nothing reads it between runs. `id` is the insight row's id.
 */
const CustomerScore = model.define("loyalty_customer_score", {
  id: model.text().primaryKey(),
  run_id: model.text(),
  r_score: model.number(),
  f_score: model.number(),
  m_score: model.number(),
  f_rank: model.float(),
  m_rank: model.float(),
  /** The facts the value score also reads, copied so that ranking needs no join. */
  nps_score: model.number().nullable(),
  referrals: model.number(),
  rfm_segment: model.text(),
  matrix_segment: model.text(),
  lifecycle_stage: model.text(),
  p_alive: model.float(),
  churn_risk: model.float(),
  expected_90: model.float(),
  expected_365: model.float(),
  clv_12m: model.bigNumber(),
  clv_cac: model.float().nullable(),
  explanation: model.text(),
})

export default CustomerScore
