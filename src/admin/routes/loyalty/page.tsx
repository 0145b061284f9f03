import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ArrowPath, Trophy } from "@medusajs/icons"
import { Alert, Badge, Button, Container, Text, createDataTableColumnHelper, toast } from "@medusajs/ui"
import { ListHeader, QueryDataTable, useServerPage } from "../../components/data-table"
import { OptionSelect } from "../../components/form-field"
import { CsvButton, ExportMenu } from "../../components/export-menu"
import { lazy, Suspense, useEffect, useMemo, useState } from "react"
import { Link } from "react-router-dom"
import {
  INSIGHT_PAGE_SIZE,
  useInsightCustomers,
  useInsightKpis,
  useInsightRun,
  useInsightRuns,
  useInsightSegments,
  useRecomputeInsights,
} from "../../hooks/use-insights"
import { formatDateTime, formatPoints, toNumber } from "../../lib/format"
import { insightsApi, segmentLabel, type CustomerInsight, type KpiRow, type SegmentStat } from "../../lib/insights-api"
import { getErrorMessage } from "../../lib/loyalty-api"
import { createInsightsCharts, type HoldoutSummary, type MonthPoint } from "../../components/insights-charts"
import { SectionHeading } from "../../components/section-heading"

// recharts is loaded only here, on demand: the rest of the admin never pays for it.
const InsightsCharts = lazy(() => import("recharts").then((recharts) => ({ default: createInsightsCharts(recharts) })))


const pct = (value: number | null | undefined) =>
  value === null || value === undefined ? "-" : `${(toNumber(value) * 100).toFixed(1)} %`
const money = (value: number | null | undefined, currency: string | null | undefined) =>
  value === null || value === undefined
    ? "-"
    : `${toNumber(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${(currency ?? "").toUpperCase()}`

const RecomputeButton = ({ onStarted, running }: { onStarted: (id: string) => void; running: boolean }) => {
  const { mutateAsync, isPending } = useRecomputeInsights()
  return (
    <Button
      size="small"
      variant="secondary"
      isLoading={isPending}
      disabled={running}
      data-testid="loyalty-recompute"
      onClick={async () => {
        try {
          const { run } = await mutateAsync()
          onStarted(run.id)
        } catch (error) {
          toast.error("Could not start the recompute", { description: getErrorMessage(error) })
        }
      }}
    >
      <ArrowPath />
      Recompute now
    </Button>
  )
}

const KpiCard = ({
  label,
  value,
  hint,
  title,
  testId,
}: {
  label: string
  value: string
  hint?: string
  /** Shown on hover: the breakdown behind the figure. */
  title?: string
  testId: string
}) => (
  <Container className="flex flex-col gap-y-1 px-4 py-3" data-testid={testId} title={title}>
    <Text size="xsmall" className="text-ui-fg-subtle">
      {label}
    </Text>
    <Text size="xlarge" weight="plus" data-testid={`${testId}-value`}>
      {value}
    </Text>
    {hint && (
      <Text size="xsmall" className="text-ui-fg-muted">
        {hint}
      </Text>
    )}
  </Container>
)

/**
 * The cards that set a figure of the last 30 days beside the last complete
 * month's, by figure: the card (its test id is `loyalty-kpi-<card>`) and its label.
 */
const TRENDS = {
  active_rate: ["active", "Active members (last 30 days)"],
  average_order_value: ["aov", "Avg. order value, members (last 30 days)"],
  repeat_purchase_rate: ["repeat", "Repeat-purchase rate (last 30 days)"],
  points_issued: ["issued", "Points issued (last 30 days)"],
  redemption_rate: ["redemption", "Redemption rate (last 30 days)"],
  referrals_made: ["referrals", "Referrals made (last 30 days)"],
} as const

/** "YYYY-MM" of the calendar month (UTC) before the one `asOf` falls in: the last complete month. */
function previousMonth(asOf: string): string {
  const date = new Date(asOf)
  const previous = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1))
  return previous.toISOString().slice(0, 7)
}

const monthLabel = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleDateString(undefined, { month: "short", year: "numeric", timeZone: "UTC" })

function monthPoints(kpis: KpiRow[]): MonthPoint[] {
  const months = [...new Set(kpis.map((row) => row.month))].sort()
  return months.map((month) => {
    const of = (cohort: KpiRow["cohort"]) => kpis.find((row) => row.month === month && row.cohort === cohort)?.metrics
    const member = of("member")
    const nonMember = of("non_member")
    return {
      month,
      member_revenue: toNumber(member?.revenue),
      non_member_revenue: toNumber(nonMember?.revenue),
      member_active_rate: member?.active_rate ?? null,
      non_member_active_rate: nonMember?.active_rate ?? null,
      member_retention: member?.retention_rate ?? null,
      points_issued: toNumber(member?.points_issued),
      points_redeemed: toNumber(member?.points_redeemed),
      points_expired: toNumber(member?.points_expired),
    }
  })
}

const segmentColumns = createDataTableColumnHelper<SegmentStat>()
const customerColumns = createDataTableColumnHelper<CustomerInsight>()

/**
 * The segments' and the customers' tables' columns, whose money columns are in
 * the run's currency; a customer's explanation shows on hover over their name.
 */
const useInsightColumns = (currency: string | null) =>
  useMemo(
    () => ({
      segments: [
        segmentColumns.accessor("segment", {
          header: "Segment",
          cell: ({ row: { original: row } }) => (
            <div className="whitespace-normal" data-segment={row.segment ?? ""}>
              <div>{row.label ?? segmentLabel(row.segment)}</div>
              {row.rule && (
                <div className="txt-compact-xsmall text-ui-fg-muted" data-testid="loyalty-segment-rule">
                  {row.rule}
                </div>
              )}
            </div>
          ),
        }),
        segmentColumns.accessor("customers", {
          header: "Customers",
          align: "right",
          cell: ({ getValue }) => formatPoints(getValue()),
        }),
        segmentColumns.accessor("revenue_share", { header: "Revenue share", align: "right", cell: ({ getValue }) => pct(getValue()) }),
        segmentColumns.accessor("average_clv", {
          header: "Avg. CLV",
          align: "right",
          cell: ({ getValue }) => money(getValue(), currency),
        }),
        segmentColumns.accessor("average_churn_risk", {
          header: "Avg. churn risk",
          align: "right",
          cell: ({ getValue }) => pct(getValue()),
        }),
        segmentColumns.accessor("play", {
          header: "Recommended play",
          cell: ({ getValue }) => <div className="whitespace-normal text-ui-fg-subtle">{getValue() ?? "-"}</div>,
        }),
      ],
      customers: [
        customerColumns.accessor("email", {
          header: "Customer",
          cell: ({ row: { original: c } }) => (
            <Link to={`/customers/${c.customer_id}`} className="text-ui-fg-interactive" title={c.explanation ?? undefined}>
              {c.email ?? c.customer_id}
            </Link>
          ),
        }),
        customerColumns.accessor("rfm_segment", {
          header: "Segment",
          cell: ({ row: { original: c } }) => (
            <>
              {segmentLabel(c.rfm_segment)}
              <span className="text-ui-fg-muted" data-testid="loyalty-customer-rfm">
                {` · R${c.r_score} F${c.f_score} M${c.m_score}`}
              </span>
            </>
          ),
        }),
        customerColumns.accessor("lifecycle_stage", { header: "Lifecycle", cell: ({ getValue }) => segmentLabel(getValue()) }),
        customerColumns.accessor("orders_count", { header: "Orders", align: "right" }),
        customerColumns.accessor("monetary", { header: "Spent", align: "right", cell: ({ getValue }) => money(getValue(), currency) }),
        customerColumns.accessor("churn_risk", { header: "Churn risk", align: "right", cell: ({ getValue }) => pct(getValue()) }),
        customerColumns.accessor("clv_12m", { header: "12-month CLV", align: "right", cell: ({ getValue }) => money(getValue(), currency) }),
        customerColumns.accessor("value_band", {
          header: "Value",
          cell: ({ getValue }) => {
            const band = getValue()
            return (
              <Badge size="2xsmall" color={band === "high" ? "green" : band === "medium" ? "blue" : "grey"}>
                {segmentLabel(band)}
              </Badge>
            )
          },
        }),
      ],
    }),
    [currency]
  )

const ALL = "all"

const CustomerList = ({ segments, segment, setSegment, columns }: {
  segments: SegmentStat[]
  segment: string
  setSegment: (segment: string) => void
  columns: ReturnType<typeof useInsightColumns>["customers"]
}) => {
  const page = useServerPage(INSIGHT_PAGE_SIZE)
  const filter = useMemo(() => (segment === ALL ? {} : { rfm_segment: segment }), [segment])
  const query = useInsightCustomers(filter, page.state.pageIndex)
  useEffect(() => page.first(), [segment])
  return (
    <Container className="divide-y p-0" data-testid="loyalty-customer-list">
      <ListHeader title="Customers">
        <div className="flex items-center gap-2">
          <div className="w-[220px]">
            <OptionSelect
              size="small"
              testId="loyalty-segment-filter"
              placeholder="All segments"
              options={[
                [ALL, "All segments"],
                ...segments
                  .filter((row) => row.segment)
                  .map((row) => [row.segment!, `${row.label ?? segmentLabel(row.segment)} (${row.customers})`] as const),
              ]}
              value={segment}
              onChange={setSegment}
            />
          </div>
          <CsvButton href={insightsApi.csvUrl(filter)} testId="loyalty-export-csv">
            Export CSV
          </CsvButton>
        </div>
      </ListHeader>
      <QueryDataTable
        testId="loyalty-customer-table" query={query} what="customers" rows={(data) => data.customers} page={page}
        columns={columns} getRowId={(c) => c.customer_id}
        empty={segment === ALL ? "No customers in the insights yet." : "No customers in this segment."}
      />
    </Container>
  )
}

const LoyaltyPage = () => {
  const runs = useInsightRuns()
  const [runId, setRunId] = useState<string | null>(null)
  const latest = runs.data?.latest
  const activeRunId = runId ?? (latest?.status === "running" ? latest.id : null)
  const progress = useInsightRun(activeRunId)
  const kpis = useInsightKpis()
  const segments = useInsightSegments()
  const [segment, setSegment] = useState(ALL)

  const run = kpis.data?.run ?? runs.data?.succeeded ?? null
  const currency = run?.currency_code ?? null
  const rows = kpis.data?.kpis ?? []
  const months = useMemo(() => monthPoints(rows), [rows])
  // Cards: the last 30 days (any day of the month reads right), with the last complete month beside it.
  const last30 = run?.summary?.last_30_days ?? null
  const lastMonthKey = run ? previousMonth(run.as_of) : null
  const lastMonthRows = rows.filter((row) => row.month === lastMonthKey)
  const lastMonth = lastMonthRows.find((row) => row.cohort === "member")?.metrics
  const memberNow = last30?.member
  const allNow = last30?.all
  const monthName = lastMonthKey ? monthLabel(lastMonthKey) : "last month"
  /** The card of a figure over the last 30 days; its hint gives the last complete month's, then `more`. */
  const trendCard = (metric: keyof typeof TRENDS, format: (value: number | null | undefined) => string, more: string) => {
    const [card, label] = TRENDS[metric]
    return (
      <KpiCard
        testId={`loyalty-kpi-${card}`}
        label={label}
        value={format(memberNow?.[metric])}
        hint={`${monthName}: ${format(lastMonth?.[metric])} · ${more}`}
      />
    )
  }
  const inCurrency = (value: number | null | undefined) => money(value, currency)
  const liability = currency ? memberNow?.liability?.[currency.toLowerCase()] : undefined
  const liabilityBreakdown = Object.entries(memberNow?.liability ?? {})
    .map(([code, value]) => `${money(value, code)} at the ${code.toUpperCase()} point value`)
    .join("\n")
  const rfm = segments.data?.segments.rfm ?? []
  const columns = useInsightColumns(currency)
  const running = progress.data?.status === "running"

  useEffect(() => {
    if (progress.data?.status === "failed") {
      toast.error("The recompute failed", { description: progress.data.error ?? undefined })
    }
  }, [progress.data?.status])

  return (
    <div className="flex flex-col gap-y-3" data-testid="loyalty-page">
      <Container className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <SectionHeading level="h1" title="Loyalty" testId="loyalty-run-info">
          {run
            ? `Insights as of ${formatDateTime(run.as_of)} · ${run.customers} customers · ${
                run.model === "bgnbd" ? "BG/NBD × Gamma-Gamma model" : "fallback model: each customer's own pace (why below)"
              }`
            : "No insights yet: recompute to see them."}
        </SectionHeading>
        <div className="flex items-center gap-3">
          {running && (
            <Text size="small" className="text-ui-fg-subtle" data-testid="loyalty-recompute-progress">
              {progress.data!.stage} · {Math.round(progress.data!.progress * 100)} %
            </Text>
          )}
          <Button size="small" variant="secondary" asChild>
            <Link to="/loyalty/liability" data-testid="loyalty-liability-link">
              Points liability
            </Link>
          </Button>
          <ExportMenu />
          <RecomputeButton onStarted={setRunId} running={running} />
        </div>
      </Container>

      {run?.model_reason && (
        <Alert variant="info" dismissible data-testid="loyalty-model-reason">
          {run.model_reason}
        </Alert>
      )}
      {(run?.summary?.warnings ?? []).map((warning) => (
        <Alert key={warning} variant="warning">
          {warning}
        </Alert>
      ))}

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="loyalty-kpi-cards">
        <KpiCard
          testId="loyalty-kpi-members"
          label="Members"
          value={formatPoints(memberNow?.members ?? 0)}
          hint={`${formatPoints(memberNow?.new_members ?? 0)} new in the last 30 days · ${formatPoints(lastMonth?.new_members ?? 0)} in ${monthName}`}
        />
        {trendCard("active_rate", pct, `retention ${pct(memberNow?.retention_rate)}`)}
        {trendCard("average_order_value", inCurrency, `all customers ${inCurrency(allNow?.average_order_value)}`)}
        {trendCard("repeat_purchase_rate", pct, `NPS ${memberNow?.nps ?? "-"}`)}
        {trendCard(
          "points_issued",
          formatPoints,
          `redeemed ${formatPoints(memberNow?.points_redeemed ?? 0)} · expired ${formatPoints(memberNow?.points_expired ?? 0)}`
        )}
        {trendCard("redemption_rate", pct, `breakage ${pct(memberNow?.breakage)}`)}
        <KpiCard
          testId="loyalty-kpi-liability"
          label="Outstanding liability"
          value={liability !== undefined ? money(liability, currency) : "-"}
          hint={`${formatPoints(memberNow?.outstanding_points ?? 0)} points outstanding, priced in ${currency?.toUpperCase() ?? "the default currency"}`}
          title={liabilityBreakdown || undefined}
        />
        {trendCard("referrals_made", formatPoints, `conversion ${pct(memberNow?.referral_conversion)}`)}
      </div>

      <Suspense fallback={<Text size="small" className="text-ui-fg-subtle">Loading charts…</Text>}>
        <InsightsCharts
          months={months}
          segments={rfm.filter((row) => row.segment).map((row) => ({ label: row.label ?? segmentLabel(row.segment), customers: row.customers }))}
          holdout={(run?.params?.validation as HoldoutSummary | undefined) ?? null}
        />
      </Suspense>

      <Container className="divide-y p-0">
        <SectionHeading title="Segments" className="px-6 py-4">
          Click a segment to list its customers.
        </SectionHeading>
        <QueryDataTable
          query={segments} what="segments" rows={(data) => data.segments.rfm}
          testId="loyalty-segment-table" columns={columns.segments} getRowId={(row) => row.segment ?? "none"}
          empty="No segments yet: recompute to see them."
          onRowClick={(row) => row.segment && setSegment(row.segment)}
        />
      </Container>

      <CustomerList segments={rfm} segment={segment} setSegment={setSegment} columns={columns.customers} />
    </div>
  )
}

export const config = defineRouteConfig({
  label: "Loyalty",
  icon: Trophy,
})

export default LoyaltyPage
