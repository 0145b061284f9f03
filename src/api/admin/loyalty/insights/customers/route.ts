import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { AdminInsightCustomersQueryType } from "../validators"
import { streamCsv } from "../../../../utils/csv"
import { currentRun, listRunCustomersWithNames } from "../views"

const CSV_COLUMNS = [
  "customer_id",
  "email",
  "first_name",
  "last_name",
  "is_member",
  "orders_count",
  "monetary",
  "recency_days",
  "r_score",
  "f_score",
  "m_score",
  "rfm_segment",
  "matrix_segment",
  "lifecycle_stage",
  "churn_risk",
  "expected_90",
  "expected_365",
  "clv_12m",
  "clv_cac",
  "value_score",
  "value_band",
  "explanation",
] as const

const CSV_PAGE = 5_000

/**
 * Customers of the newest succeeded run, filtered by segment, best value
 * first. `format=csv` streams every matching customer as CSV (csv-stringify,
 * paged through the database 5,000 at a time, as fast as the client reads).
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminInsightCustomersQueryType>, res: MedusaResponse) {
  const { limit, offset, format, ...filters } = req.validatedQuery as AdminInsightCustomersQueryType
  const run = await currentRun(req.scope)
  if (format === "csv") {
    const pages = async function* () {
      if (!run) return
      for (let page = 0; ; page += CSV_PAGE) {
        const { customers } = await listRunCustomersWithNames(req.scope, run.id, filters, { limit: CSV_PAGE, offset: page })
        yield* customers
        if (customers.length < CSV_PAGE) return
      }
    }
    await streamCsv(res, `loyalty-customers${filters.rfm_segment ? `-${filters.rfm_segment}` : ""}.csv`, CSV_COLUMNS, pages())
    return
  }
  if (!run) {
    res.json({ run: null, customers: [], count: 0, limit, offset })
    return
  }
  const { customers, count } = await listRunCustomersWithNames(req.scope, run.id, filters, { limit, offset })
  res.json({ run, customers, count, limit, offset })
}
