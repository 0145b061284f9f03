import { model } from "@medusajs/framework/utils"

/**
 * One recompute of the customer insights, as of `as_of`. The admin polls
 * `progress` and `stage`; `model` says whether BG/NBD × Gamma-Gamma were fitted
 * or the heuristic fallback ran, and `model_reason` why. Only one run may be
 * `running` at a time (partial unique index).
 */
const InsightRun = model
  .define("loyalty_insight_run", {
    id: model.id({ prefix: "linrun" }).primaryKey(),
    status: model.enum(["running", "succeeded", "failed"]).default("running"),
    as_of: model.dateTime(),
    started_at: model.dateTime(),
    finished_at: model.dateTime().nullable(),
    /** 0–1, written after every stage and batch. */
    progress: model.float().default(0),
    stage: model.text().default("queued"),
    customers: model.number().default(0),
    currency_code: model.text().nullable(),
    model: model.text().nullable(),
    model_reason: model.text().nullable(),
    /** Fitted parameters and log-likelihoods. */
    params: model.json().nullable(),
    /** Segment counts, warnings, group sync results. */
    summary: model.json().nullable(),
    error: model.text().nullable(),
    triggered_by: model.text().nullable(),
  })
  .indexes([
    { name: "IDX_loyalty_insight_run_one_running", on: ["status"], unique: true, where: "status = 'running' AND deleted_at IS NULL" },
    { on: ["as_of"] },
  ])

export default InsightRun
