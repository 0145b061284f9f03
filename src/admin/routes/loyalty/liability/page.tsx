import { Container, Input, Label, Text, createDataTableColumnHelper } from "@medusajs/ui"
import { lazy, Suspense, useState } from "react"
import { Link } from "react-router-dom"
import { CsvButton, ExportMenu } from "../../../components/export-menu"
import { OptionSelect } from "../../../components/form-field"
import { createLiabilityChart } from "../../../components/liability-chart"
import { LoyaltyDataTable } from "../../../components/data-table"
import { useLiability } from "../../../hooks/use-liability"
import { formatDate, formatDateTime, formatPoints } from "../../../lib/format"
import { liabilityApi, type CurrencyLiability, type LiabilityMonth, type LiabilityReport } from "../../../lib/liability-api"
import { getErrorMessage } from "../../../lib/loyalty-api"
import { SectionHeading } from "../../../components/section-heading"

const LiabilityChart = lazy(() => import("recharts").then((recharts) => ({ default: createLiabilityChart(recharts) })))

const MONTH_CHOICES = [6, 12, 24]
const WINDOW_CHOICES = [6, 12, 24, 36]

/** A decimal string from the server, shown with its currency; never turned into a float. */
const money = (amount: string, currency: string) => `${amount} ${currency.toUpperCase()}`

const Card = ({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) => (
  <Container className="flex flex-col gap-y-1 px-4 py-3" data-testid={testId}>
    <Text size="small" className="text-ui-fg-subtle">{label}</Text>
    <Text size="xlarge" weight="plus" data-testid={`${testId}-value`}>{value}</Text>
    {detail && <Text size="xsmall" className="text-ui-fg-muted">{detail}</Text>}
  </Container>
)

const currencyColumn = createDataTableColumnHelper<CurrencyLiability>()

/** A money cell of the currency table, with its `liability-<code>-<name>` test id. */
const moneyColumn = (key: "available" | "pending" | "outstanding" | "expected_breakage" | "deferred_revenue", header: string, testName: string) =>
  currencyColumn.accessor(key, {
    header,
    cell: ({ getValue, row: { original: c } }) => (
      <span data-testid={`liability-${c.currency_code}-${testName}`}>{money(getValue(), c.currency_code)}</span>
    ),
  })

/** The same points valued in each currency, one row per currency with a point value. */
const currencyColumns = [
  currencyColumn.accessor("currency_code", { header: "Currency", cell: ({ getValue }) => getValue().toUpperCase() }),
  currencyColumn.accessor("point_value", { header: "Point value" }),
  moneyColumn("available", "Available", "available"),
  moneyColumn("pending", "Pending", "pending"),
  moneyColumn("outstanding", "Outstanding", "outstanding"),
  moneyColumn("expected_breakage", "Expected breakage", "breakage"),
  moneyColumn("deferred_revenue", "Deferred revenue", "deferred"),
]

const monthColumn = createDataTableColumnHelper<LiabilityMonth>()

const MONTH_FIGURES = [
  ["issued", "Issued"],
  ["redeemed", "Redeemed"],
  ["restored", "Restored"],
  ["expired", "Expired"],
  ["reversed", "Reversed"],
  ["adjusted_down", "Adjusted down"],
  ["net_change", "Net change"],
  ["outstanding_end", "Outstanding at end"],
] as const

/** The movement table: a month (its `liability-month-<month>` test id on the month), then its figures in points. */
const monthColumns = [
  monthColumn.accessor("month", {
    header: "Month",
    cell: ({ getValue }) => <span data-testid={`liability-month-${getValue()}`}>{getValue()}</span>,
  }),
  ...MONTH_FIGURES.map(([key, header]) =>
    monthColumn.accessor(key, { header, cell: ({ getValue }) => formatPoints(getValue()) })
  ),
]

const Breakage = ({ report }: { report: LiabilityReport }) => {
  const b = report.breakage
  return (
    <Text size="small" className="text-ui-fg-subtle" data-testid="liability-breakage-explanation">
      {b.rate === null
        ? `No lots reached their expiry date between ${formatDate(b.window_start)} and ${formatDate(b.window_end)}: without history, no breakage is booked.`
        : `Of the ${formatPoints(b.cohort_issued)} points issued into the ${b.cohort_lots} lots that reached their expiry date between ${formatDate(b.window_start)} and ${formatDate(b.window_end)}, ${formatPoints(b.cohort_expired)} expired unspent (${(Number(b.rate) * 100).toFixed(2)} %). That share of the ${formatPoints(b.base_points)} points that can still expire (available in expiring lots${b.includes_pending ? " and pending" : ""}) is the expected breakage: ${formatPoints(b.expected_points)} points.`}
    </Text>
  )
}

/**
 * The points liability: what members' unspent points are worth per currency,
 * the breakage expected from the store's own history, what to carry as
 * deferred revenue, and the movement per month, with the CSVs an accountant
 * books and the exports of every loyalty list.
 */
const LiabilityPage = () => {
  const [months, setMonths] = useState(12)
  const [windowMonths, setWindowMonths] = useState(12)
  const [from, setFrom] = useState("")
  const [to, setTo] = useState("")
  const { data, isPending, isError, error } = useLiability(months, windowMonths)
  const report = data?.liability

  return (
    <div className="flex flex-col gap-y-3" data-testid="liability-page">
      <Container className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <SectionHeading level="h1" title="Points liability">
          {report ? `As of ${formatDateTime(report.generated_at)} · program version ${report.program_version} · ` : ""}
          <Link to="/loyalty" className="text-ui-fg-interactive">Back to Loyalty</Link>
        </SectionHeading>
        <div className="flex flex-wrap items-center gap-2">
          <CsvButton href={liabilityApi.csvUrl("summary", months, windowMonths)} testId="liability-csv">
            Liability CSV
          </CsvButton>
          <CsvButton href={liabilityApi.csvUrl("movement", months, windowMonths)} testId="liability-movement-csv">
            Movement CSV
          </CsvButton>
          <ExportMenu />
        </div>
      </Container>

      <Container className="flex flex-wrap items-end gap-4 px-6 py-3">
        <div className="flex flex-col gap-y-1">
          <Label size="small">Months shown</Label>
          <OptionSelect
            size="small"
            testId="liability-months"
            options={MONTH_CHOICES.map((n) => [String(n), `${n} months`] as const)}
            value={String(months)}
            onChange={(value) => setMonths(Number(value))}
          />
        </div>
        <div className="flex flex-col gap-y-1">
          <Label size="small">Breakage measured over</Label>
          <OptionSelect
            size="small"
            testId="liability-window"
            options={WINDOW_CHOICES.map((n) => [String(n), `the last ${n} months`] as const)}
            value={String(windowMonths)}
            onChange={(value) => setWindowMonths(Number(value))}
          />
        </div>
      </Container>

      {isPending ? (
        <Text size="small" className="text-ui-fg-subtle">Loading the liability…</Text>
      ) : isError || !report ? (
        <Text size="small" className="text-ui-fg-error">{getErrorMessage(error)}</Text>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="liability-cards">
            <Card testId="liability-available" label="Available points" value={formatPoints(report.points.available)}
              detail={`${formatPoints(report.points.available_non_expiring)} never expire`} />
            <Card testId="liability-pending" label="Pending points" value={formatPoints(report.points.pending)}
              detail="inside the return window" />
            <Card testId="liability-outstanding" label="Outstanding points" value={formatPoints(report.points.outstanding)}
              detail={`${report.points.members} members hold points`} />
            <Card testId="liability-breakage" label="Expected breakage"
              value={`${formatPoints(report.breakage.expected_points)} points`}
              detail={report.breakage.rate === null ? "no history yet" : `${(Number(report.breakage.rate) * 100).toFixed(2)} % of what can still expire`} />
          </div>

          <Container className="divide-y p-0" data-testid="liability-currencies">
            <SectionHeading title="Liability per currency" className="px-6 py-4">
              The same points valued at each currency's point value (Settings → Loyalty): book the line of your reporting currency.
            </SectionHeading>
            {report.currencies.length ? (
              <LoyaltyDataTable
                testId="liability-currency-table"
                data={report.currencies}
                columns={currencyColumns}
                getRowId={(c) => c.currency_code}
              />
            ) : (
              <Text size="small" className="px-6 py-4 text-ui-fg-subtle">No currency has a point value yet (Settings → Loyalty).</Text>
            )}
            <div className="px-6 py-4"><Breakage report={report} /></div>
          </Container>

          <Suspense fallback={<Text size="small" className="text-ui-fg-subtle">Loading the chart…</Text>}>
            <LiabilityChart months={report.months} />
          </Suspense>

          <Container className="divide-y p-0" data-testid="liability-movement">
            <SectionHeading title="Movement per month (points)" className="px-6 py-4" />
            <LoyaltyDataTable
              testId="liability-movement-table"
              data={[...report.months].reverse()}
              columns={monthColumns}
              getRowId={(m) => m.month}
            />
          </Container>
        </>
      )}

      <Container className="flex flex-wrap items-end gap-4 px-6 py-4" data-testid="liability-ledger-export">
        <SectionHeading title="Ledger of a period">
          Every entry between two dates (both included, UTC), oldest first.
        </SectionHeading>
        <div className="flex flex-col gap-y-1">
          <Label size="small" htmlFor="ledger-from">From</Label>
          <Input id="ledger-from" size="small" type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="liability-ledger-from" />
        </div>
        <div className="flex flex-col gap-y-1">
          <Label size="small" htmlFor="ledger-to">To</Label>
          <Input id="ledger-to" size="small" type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="liability-ledger-to" />
        </div>
        <CsvButton href={liabilityApi.exportUrl("entries", { from, to })} testId="liability-ledger-download">
          Download ledger
        </CsvButton>
      </Container>
    </div>
  )
}

export default LiabilityPage
