import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { AdminInsightCustomersQueryType } from "../validators"
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

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formulas neutralized for spreadsheets. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return ""
  let text = value instanceof Date ? value.toISOString() : String(value)
  if (/^[=+\-@]/.test(text) && typeof value === "string") text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * Customers of the newest succeeded run, filtered by segment, best value
 * first. `format=csv` streams every matching customer as CSV (paged through
 * the database 5,000 at a time).
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminInsightCustomersQueryType>, res: MedusaResponse) {
  const { limit, offset, format, ...filters } = req.validatedQuery as AdminInsightCustomersQueryType
  const run = await currentRun(req.scope)
  if (format === "csv") {
    res.setHeader("Content-Type", "text/csv; charset=utf-8")
    res.setHeader(
      "Content-Disposition",
      `attachment; filename="loyalty-customers${filters.rfm_segment ? `-${filters.rfm_segment}` : ""}.csv"`
    )
    res.write(`${CSV_COLUMNS.join(",")}\r\n`)
    if (run) {
      for (let page = 0; ; page += CSV_PAGE) {
        const { customers } = await listRunCustomersWithNames(req.scope, run.id, filters, { limit: CSV_PAGE, offset: page })
        for (const customer of customers) {
          res.write(`${CSV_COLUMNS.map((column) => csvField(customer[column])).join(",")}\r\n`)
        }
        if (customers.length < CSV_PAGE) break
      }
    }
    res.end()
    return
  }
  if (!run) {
    res.json({ run: null, customers: [], count: 0, limit, offset })
    return
  }
  const { customers, count } = await listRunCustomersWithNames(req.scope, run.id, filters, { limit, offset })
  res.json({ run, customers, count, limit, offset })
}
