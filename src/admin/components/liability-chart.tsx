/**
 * The liability page's chart, built from a `recharts` module handed in at run
 * time (the page loads it with a dynamic `import("recharts")`, as the Loyalty
 * page does, so the library is fetched only when the page opens): points
 * issued, redeemed, expired and reversed per month as bars, and the
 * outstanding points at each month's end as a line.
 */
import type * as Recharts from "recharts"
import type { LiabilityMonth } from "../lib/liability-api"
import { createChartParts } from "./chart-card"

const COLORS = { issued: "#16a34a", redeemed: "#2563eb", expired: "#dc2626", reversed: "#f59e0b", outstanding: "#7c3aed" }

export function createLiabilityChart(R: typeof Recharts) {
  const { Bar, ComposedChart, Line } = R
  const { ChartCard, monthAxes } = createChartParts(R)
  return function LiabilityChart({ months }: { months: LiabilityMonth[] }) {
    return (
      <ChartCard title="Points movement per month" testId="liability-chart" tall>
        <ComposedChart data={months}>
          {monthAxes()}
          <Bar dataKey="issued" name="Issued" fill={COLORS.issued} />
          <Bar dataKey="redeemed" name="Redeemed" fill={COLORS.redeemed} />
          <Bar dataKey="expired" name="Expired" fill={COLORS.expired} />
          <Bar dataKey="reversed" name="Reversed" fill={COLORS.reversed} />
          <Line dataKey="outstanding_end" name="Outstanding at month end" stroke={COLORS.outstanding} strokeWidth={2} dot={false} />
        </ComposedChart>
      </ChartCard>
    )
  }
}
