import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Badge, Button, Container, Heading, Text, createDataTableColumnHelper, toast } from "@medusajs/ui"
import { PagedDataTable } from "../components/data-table"
import { InputField, ReasonField, SelectField } from "../components/form-field"
import { pageState, type PageState } from "../components/pager"
import { QueryState } from "../components/query-state"
import { SummaryRow } from "../components/summary-row"
import { useState, type FormEvent } from "react"
import { useCustomerLoyaltyTier, useCustomerTierOverride, useLoyaltyTiers } from "../hooks/use-loyalty-tiers"
import { formatDate, formatDateTime } from "../lib/format"
import { getErrorMessage, type LoyaltyCustomerTier, type LoyaltyTierHistoryEntry } from "../lib/loyalty-api"
import { describeAmount, TIER_REASON_COLORS, TIER_REASON_LABELS } from "../lib/tier-format"

/**
 * Customer page → "Loyalty tier": the tier in effect, how long it is kept,
 * the activity that counts and what is missing for the next tier, the tier
 * history, and a form for staff to override the tier with a reason.
 */
const CustomerLoyaltyTierWidget = ({ data: customer }: DetailWidgetProps<HttpTypes.AdminCustomer>) => {
  const [page, setPage] = useState(0)
  const query = useCustomerLoyaltyTier(customer.id, page)
  const { data } = query

  return (
    <Container className="divide-y p-0" data-testid="loyalty-customer-tier">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Loyalty tier</Heading>
        {data && (
          <Badge size="small" color={data.tier.current ? "green" : "grey"} data-testid="loyalty-tier-current">
            {data.tier.current ? data.tier.current.name : "No tier"}
          </Badge>
        )}
      </div>
      <QueryState query={query} loading="Loading the tier…" failed="Could not load the tier">
        {(data) => (
        <>
          <TierSummary tier={data.tier} />
          <TierHistory history={data.history} page={pageState(page, setPage, query)} />
          <OverrideForm customerId={customer.id} tier={data.tier} onChanged={() => setPage(0)} />
        </>
        )}
      </QueryState>
    </Container>
  )
}

/* ------------------------------------------------------------------ */

const WINDOW_TEXT = (tier: LoyaltyCustomerTier) =>
  tier.qualification.window === "lifetime"
    ? "all time"
    : tier.qualification.window === "calendar_year"
      ? "this calendar year"
      : `the last ${tier.qualification.window_months} months`

const TierSummary = ({ tier }: { tier: LoyaltyCustomerTier }) => {
  const q = tier.qualification
  const spend = Object.entries(q.spend)
    .map(([code, value]) => describeAmount("spend", value, code))
    .join(", ")
  const next = tier.next
  const share = next && next.target > 0 ? Math.min(1, next.current / next.target) : 1
  return (
    <div className="divide-y">
      <SummaryRow
        label="Tier"
        value={tier.current ? `${tier.current.name} (× ${tier.current.earn_multiplier} points)` : "No tier"}
        testId="loyalty-tier-name"
        className="text-ui-fg-base font-medium"
      />
      {tier.override && (
        <SummaryRow
          label="Override"
          value={`${tier.override.reason}${tier.override.ends_at ? `, until ${formatDate(tier.override.ends_at)}` : ", until ended"}`}
          testId="loyalty-tier-override"
          className="text-ui-tag-purple-text"
        />
      )}
      {tier.override && (
        <SummaryRow label="Earned tier" value={tier.earned ? tier.earned.name : "No tier"} testId="loyalty-tier-earned" />
      )}
      <SummaryRow
        label="Kept until"
        value={
          tier.earned_kept_until
            ? `${formatDate(tier.earned_kept_until)}${
                tier.earned_review_at && tier.earned_review_at !== tier.earned_kept_until
                  ? ` (review ${formatDate(tier.earned_review_at)})`
                  : ""
              }`
            : tier.earned
              ? "For good"
              : "-"
        }
        testId="loyalty-tier-kept-until"
      />
      <SummaryRow
        label="Activity"
        value={`${describeAmount("points", q.points)}, ${describeAmount("orders", q.orders)}${spend ? `, ${spend}` : ""} in ${WINDOW_TEXT(tier)}`}
        testId="loyalty-tier-activity"
      />
      <div className="flex flex-col gap-y-2 px-6 py-3">
        <div className="grid grid-cols-2 items-center">
          <Text size="small" weight="plus" leading="compact">
            Next tier
          </Text>
          <Text size="small" leading="compact" className="text-ui-fg-subtle" data-testid="loyalty-tier-progress">
            {next
              ? `${describeAmount(next.metric, next.missing, next.currency_code)} to ${next.tier.name}${next.by ? ` by ${formatDate(next.by)}` : ""}`
              : tier.current
                ? "Top tier"
                : "No tiers configured"}
          </Text>
        </div>
        {next && (
          <div className="bg-ui-bg-subtle h-2 w-full overflow-hidden rounded-full" aria-hidden>
            <div className="bg-ui-fg-interactive h-full" style={{ width: `${Math.round(share * 100)}%` }} />
          </div>
        )}
      </div>
    </div>
  )
}

/* ------------------------------------------------------------------ */

const historyColumn = createDataTableColumnHelper<LoyaltyTierHistoryEntry>()

/** The tier history's columns, newest change first. */
const HISTORY_COLUMNS = [
  historyColumn.accessor("created_at", {
    header: "Date",
    cell: ({ getValue }) => <span className="whitespace-nowrap">{formatDateTime(getValue())}</span>,
  }),
  historyColumn.display({
    id: "change",
    header: "Change",
    cell: ({ row: { original: entry } }) => (
      <span className="whitespace-nowrap">
        {entry.from_tier_name ?? "No tier"} → {entry.to_tier_name ?? "No tier"}
      </span>
    ),
  }),
  historyColumn.accessor("reason", {
    header: "Why",
    cell: ({ getValue }) => (
      <Badge size="2xsmall" color={TIER_REASON_COLORS[getValue()] ?? "grey"}>
        {TIER_REASON_LABELS[getValue()] ?? getValue()}
      </Badge>
    ),
  }),
  historyColumn.accessor("note", {
    header: "Details",
    cell: ({ getValue }) => (
      <div className="max-w-[260px] truncate" title={getValue()}>
        {getValue()}
      </div>
    ),
  }),
  historyColumn.accessor("actor_type", {
    header: "By",
    cell: ({ getValue, row }) => (
      <span title={row.original.actor_id ?? undefined}>{getValue() === "admin" ? "Admin" : "System"}</span>
    ),
  }),
]

const TierHistory = ({ history, page }: { history: LoyaltyTierHistoryEntry[]; page: PageState }) => (
  <PagedDataTable
    page={page}
    empty="No tier changes yet."
    testId="loyalty-tier-history"
    data={history}
    columns={HISTORY_COLUMNS}
    getRowId={(entry) => entry.id}
  />
)

/* ------------------------------------------------------------------ */

const NO_TIER = "__none__"

const OverrideForm = ({
  customerId,
  tier,
  onChanged,
}: {
  customerId: string
  tier: LoyaltyCustomerTier
  onChanged: () => void
}) => {
  const tiers = useLoyaltyTiers()
  const [tierId, setTierId] = useState<string>("")
  const [reason, setReason] = useState("")
  const [until, setUntil] = useState("")
  const [error, setError] = useState<string | null>(null)
  const { mutateAsync, isPending } = useCustomerTierOverride(customerId)

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    setError(null)
    if (!tierId) return setError("Choose the tier to set.")
    if (!reason.trim()) return setError("A reason is required.")
    const endsAt = until ? new Date(`${until}T23:59:59`) : null
    if (endsAt && endsAt <= new Date()) return setError("The end date must be in the future.")
    try {
      const res = await mutateAsync({
        action: "set",
        body: { tier_id: tierId === NO_TIER ? null : tierId, reason: reason.trim(), ends_at: endsAt?.toISOString() ?? null },
      })
      toast.success("Tier overridden", { description: res.tier.current ? res.tier.current.name : "No tier" })
      setReason("")
      setUntil("")
      onChanged()
    } catch (err) {
      setError(getErrorMessage(err))
    }
  }

  const onEnd = async () => {
    setError(null)
    try {
      await mutateAsync({ action: "end", reason: reason.trim() || undefined })
      toast.success("Override ended")
      setReason("")
      onChanged()
    } catch (err) {
      setError(getErrorMessage(err))
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-y-3 px-6 py-4" data-testid="loyalty-tier-override-form">
      <Text size="small" weight="plus">
        Override the tier
      </Text>
      <Text size="xsmall" className="text-ui-fg-subtle">
        The override wins over the earned tier (multiplier, customer group, what the shopper sees) until its end date.
      </Text>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-[160px_1fr_160px]">
        <SelectField
          compact
          id="loyalty-tier-override-tier"
          label="Tier"
          placeholder="Choose"
          options={[...(tiers.data?.tiers ?? []).map((option) => [option.id, option.name] as const), [NO_TIER, "No tier"]]}
          value={tierId}
          onChange={setTierId}
        />
        <ReasonField compact id="loyalty-tier-override-reason" placeholder="Shown in the tier history" value={reason} onChange={setReason} />
        <InputField
          compact
          id="loyalty-tier-override-until"
          label="Until (optional)"
          size="small"
          type="date"
          value={until}
          onChange={setUntil}
        />
      </div>
      {error && (
        <Text size="small" className="text-ui-fg-error" data-testid="loyalty-tier-override-error">
          {error}
        </Text>
      )}
      <div className="flex justify-end gap-x-2">
        {tier.override && (
          <Button size="small" variant="secondary" type="button" onClick={onEnd} isLoading={isPending} data-testid="loyalty-tier-override-end">
            End override
          </Button>
        )}
        <Button size="small" type="submit" isLoading={isPending} data-testid="loyalty-tier-override-submit">
          Set tier
        </Button>
      </div>
    </form>
  )
}

export const config = defineWidgetConfig({
  zone: "customer.details.after",
  // Stable, plugin-prefixed id: keeps merchants' layout choices across renames.
  id: "loyalty-points.customer-loyalty-tier",
})

export default CustomerLoyaltyTierWidget
