import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { firstMonthStart, liabilityReport, LiabilityReport } from "../../../../lib/points/liability"
import { pointsModule } from "../../../utils/views"
import { streamCsv } from "../../../utils/csv"
import { AdminLiabilityQueryType } from "./validators"

/**
 * What the members' points are worth today: outstanding points (available
 * and pending) in money per currency, the breakage expected from the store's
 * own history, and the movement per month. `format=csv` is the same for an
 * accountant: the per-currency figures to book as deferred revenue
 * (`section=summary`) or the monthly movement (`section=movement`). Read-only.
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminLiabilityQueryType>, res: MedusaResponse) {
  const query = req.validatedQuery as AdminLiabilityQueryType
  const now = new Date()
  const points = pointsModule(req.scope)
  const [facts, rules] = await Promise.all([
    points.readLiabilityFacts({
      now,
      window_months: query.window_months,
      months_from: firstMonthStart(now, query.months),
    }),
    points.getProgramRules(),
  ])
  const report = liabilityReport(facts, rules, query.months)
  if (query.format === "json") {
    res.json({ liability: report })
    return
  }
  const day = report.generated_at.slice(0, 10)
  if (query.section === "movement") {
    await streamCsv(res, `loyalty-movement-${day}.csv`, MOVEMENT_COLUMNS, toAsync(report.months))
    return
  }
  await streamCsv(res, `loyalty-liability-${day}.csv`, SUMMARY_COLUMNS, toAsync(summaryRows(report)))
}

const SUMMARY_COLUMNS = [
  "as_of",
  "currency_code",
  "point_value",
  "available_points",
  "available_value",
  "pending_points",
  "pending_value",
  "outstanding_points",
  "outstanding_value",
  "breakage_rate",
  "breakage_window_months",
  "expected_breakage_points",
  "expected_breakage_value",
  "deferred_revenue",
] as const

const MOVEMENT_COLUMNS = [
  "month",
  "issued",
  "redeemed",
  "restored",
  "expired",
  "reversed",
  "adjusted_down",
  "net_change",
  "outstanding_end",
] as const

/** One bookable line per currency. */
function summaryRows(report: LiabilityReport) {
  return report.currencies.map((currency) => ({
    as_of: report.generated_at,
    currency_code: currency.currency_code,
    point_value: currency.point_value,
    available_points: report.points.available,
    available_value: currency.available,
    pending_points: report.points.pending,
    pending_value: currency.pending,
    outstanding_points: report.points.outstanding,
    outstanding_value: currency.outstanding,
    breakage_rate: report.breakage.rate ?? "",
    breakage_window_months: report.breakage.window_months,
    expected_breakage_points: report.breakage.expected_points,
    expected_breakage_value: currency.expected_breakage,
    deferred_revenue: currency.deferred_revenue,
  }))
}

async function* toAsync<T>(rows: T[]): AsyncIterable<T> {
  yield* rows
}
