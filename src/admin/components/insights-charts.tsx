/**
 * The Loyalty page's charts, built from a `recharts` module handed in at run
 * time. Only types are imported from recharts here: the page loads the
 * library itself with a dynamic `import("recharts")` inside `React.lazy`, so
 * the chart library stays a separate chunk of the merchant's dashboard,
 * fetched only when someone opens the Loyalty page. (A dynamic import of a
 * local file would make `medusa plugin:build` emit an extensionless chunk
 * file; a dynamic import of the external package does not.)
 */
import { Text } from "@medusajs/ui"
import type * as Recharts from "recharts"
import { createChartParts } from "./chart-card"
import type { HoldoutCheck } from "../../modules/loyalty-insights/types"

export type MonthPoint = {
  month: string
  member_revenue: number
  non_member_revenue: number
  member_active_rate: number | null
  non_member_active_rate: number | null
  member_retention: number | null
  points_issued: number
  points_redeemed: number
  points_expired: number
}

export type SegmentPoint = { label: string; customers: number }

/** The run's holdout check (the module's, kept in the run's `params.validation`): predicted vs actual repeat purchases in the last weeks. */
export type HoldoutSummary = HoldoutCheck

const COLORS = {
  member: "#7c3aed",
  nonMember: "#94a3b8",
  issued: "#16a34a",
  redeemed: "#2563eb",
  expired: "#dc2626",
  segment: "#0ea5e9",
}

const percent = (value: unknown) => (typeof value === "number" ? `${Math.round(value * 100)} %` : "-")

export function createInsightsCharts(R: typeof Recharts) {
  const { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } = R
  const { ChartCard, monthAxes } = createChartParts(R)

  /** A bar chart of figures by month (bars sharing a `stackId` stack). */
  const MonthBars = ({
    title,
    testId,
    months,
    bars,
  }: {
    title: string
    testId: string
    months: MonthPoint[]
    bars: { key: keyof MonthPoint; name: string; fill: string; stackId?: string }[]
  }) => (
      <ChartCard title={title} testId={testId}>
        <BarChart data={months}>
          {monthAxes()}
          {bars.map((bar) => (
            <Bar key={bar.key} dataKey={bar.key} name={bar.name} stackId={bar.stackId} fill={bar.fill} />
          ))}
        </BarChart>
      </ChartCard>
  )

  return function InsightsCharts({
    months,
    segments,
    holdout,
  }: {
    months: MonthPoint[]
    segments: SegmentPoint[]
    holdout?: HoldoutSummary | null
  }) {
    if (!months.length && !segments.length) {
      return (
        <Text size="small" className="text-ui-fg-subtle">
          No data to chart yet.
        </Text>
      )
    }
    return (
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2" data-testid="loyalty-charts">
        <MonthBars
          title="Revenue: members vs non-members"
          testId="loyalty-chart-revenue"
          months={months}
          bars={[
            { key: "member_revenue", name: "Members", stackId: "r", fill: COLORS.member },
            { key: "non_member_revenue", name: "Non-members", stackId: "r", fill: COLORS.nonMember },
          ]}
        />
        <MonthBars
          title="Points issued, redeemed, expired"
          testId="loyalty-chart-points"
          months={months}
          bars={[
            { key: "points_issued", name: "Issued", fill: COLORS.issued },
            { key: "points_redeemed", name: "Redeemed", fill: COLORS.redeemed },
            { key: "points_expired", name: "Expired", fill: COLORS.expired },
          ]}
        />
        <ChartCard title="Active rate and retention" testId="loyalty-chart-activity">
          <LineChart data={months}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="month" fontSize={11} />
            <YAxis fontSize={11} tickFormatter={percent} domain={[0, 1]} />
            <Tooltip formatter={(value) => percent(value)} />
            <Legend />
            <Line dataKey="member_active_rate" name="Members active" stroke={COLORS.member} connectNulls />
            <Line dataKey="non_member_active_rate" name="Non-members active" stroke={COLORS.nonMember} connectNulls />
            <Line dataKey="member_retention" name="Member retention" stroke={COLORS.issued} connectNulls />
          </LineChart>
        </ChartCard>
        {holdout && (
          <ChartCard
            title={`Model check: repeat purchases in the last ${holdout.holdout_days} days, predicted ${Math.round(holdout.predicted)} vs actual ${holdout.actual}${holdout.error === null ? "" : ` (${holdout.error > 0 ? "+" : ""}${Math.round(holdout.error * 100)} %)`}`}
            testId="loyalty-chart-holdout"
          >
            <BarChart data={holdout.by_repeat_purchases}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="repeat_purchases" fontSize={11} name="Repeat purchases before" />
              <YAxis fontSize={11} />
              <Tooltip />
              <Legend />
              <Bar dataKey="predicted_mean" name="Predicted per customer" fill={COLORS.member} />
              <Bar dataKey="actual_mean" name="Actual per customer" fill={COLORS.nonMember} />
            </BarChart>
          </ChartCard>
        )}
        <ChartCard title="Customers by segment" testId="loyalty-chart-segments">
          <BarChart data={segments} layout="vertical" margin={{ left: 40 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" fontSize={11} allowDecimals={false} />
            <YAxis type="category" dataKey="label" fontSize={11} width={110} />
            <Tooltip />
            <Bar dataKey="customers" name="Customers" fill={COLORS.segment} />
          </BarChart>
        </ChartCard>
      </div>
    )
  }
}

