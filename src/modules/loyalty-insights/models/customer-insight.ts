import { model } from "@medusajs/framework/utils"
import { customerFactColumns } from "./customer-fact"

/**
 * A customer's metrics in one run. Written once, in bulk, by the recompute
 * (one INSERT of the facts and scores its scratch tables `loyalty_customer_fact`
 * and `loyalty_customer_score` hold), never one statement per customer. Money is in
 * the run's default currency; `monetary_by_currency` keeps the unconverted sums.
 */
const CustomerInsight = model
  .define("loyalty_customer_insight", {
    id: model.id({ prefix: "lcins" }).primaryKey(),
    ...customerFactColumns(),
    is_member: model.boolean().default(false),
    referrals: model.number().default(0),
    redeemed_points: model.number().default(0),
    r_score: model.number().default(0),
    f_score: model.number().default(0),
    m_score: model.number().default(0),
    f_rank: model.float().default(0),
    m_rank: model.float().default(0),
    rfm_segment: model.text().nullable(),
    matrix_segment: model.text().nullable(),
    lifecycle_stage: model.text().nullable(),
    p_alive: model.float().nullable(),
    churn_risk: model.float().nullable(),
    expected_90: model.float().nullable(),
    expected_365: model.float().nullable(),
    clv_12m: model.bigNumber().nullable(),
    clv_cac: model.float().nullable(),
    clv_rank: model.float().nullable(),
    value_score: model.float().nullable(),
    value_band: model.text().nullable(),
    explanation: model.text().nullable(),
  })
  .indexes([
    { on: ["run_id", "customer_id"], unique: true },
    { on: ["run_id", "rfm_segment", "customer_id"] },
    { on: ["customer_id"] },
  ])

export default CustomerInsight
