import { model } from "@medusajs/framework/utils"
import type { KpiMetrics } from "../types"

/** The program KPIs of one month for one cohort (members, non-members, all), as computed by a run. */
const KpiSnapshot = model
  .define("loyalty_kpi_snapshot", {
    id: model.id({ prefix: "lkpi" }).primaryKey(),
    run_id: model.text(),
    /** "YYYY-MM" (UTC). */
    month: model.text(),
    cohort: model.enum(["member", "non_member", "all"]),
    metrics: model.json<KpiMetrics>(),
  })
  .indexes([{ on: ["run_id", "month", "cohort"], unique: true }])

export default KpiSnapshot
