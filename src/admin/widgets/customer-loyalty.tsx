import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import {
  Badge,
  Button,
  Container,
  Heading,
  Text,
  clx,
  createDataTableColumnHelper,
  toast,
} from "@medusajs/ui"
import { PagedDataTable } from "../components/data-table"
import { useState, type FormEvent } from "react"
import { Link } from "react-router-dom"
import { CustomerReferrals } from "../components/customer-referrals"
import { InputField, ReasonField } from "../components/form-field"
import { pageState, type PageState } from "../components/pager"
import { QueryState } from "../components/query-state"
import { SummaryRow } from "../components/summary-row"
import {
  useAdjustLoyaltyPoints,
  useLoyaltyAccount,
} from "../hooks/use-loyalty"
import {
  ENTRY_TYPE_COLORS,
  ENTRY_TYPE_LABELS,
  formatDate,
  formatDateTime,
  formatPoints,
  formatSignedPoints,
  pluralPoints,
  toNumber,
} from "../lib/format"
import {
  LOYALTY_MAX_ADJUSTMENT,
  LOYALTY_MAX_REASON_LENGTH,
  getErrorMessage,
  type LoyaltyAccount,
  type LoyaltyEntry,
} from "../lib/loyalty-api"

const CustomerLoyaltyWidget = ({
  data: customer,
}: DetailWidgetProps<HttpTypes.AdminCustomer>) => {
  const [page, setPage] = useState(0)
  const query = useLoyaltyAccount(customer.id, page)

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Loyalty points</Heading>
      </div>

      <QueryState query={query} loading="Loading points…" failed="Could not load loyalty points">
        {(data) => (
        <>
          <AccountSummary account={data.account} />
          <Ledger entries={data.entries} page={pageState(page, setPage, query)} />
        </>
        )}
      </QueryState>

      <AdjustPointsForm
        customerId={customer.id}
        onAdjusted={() => setPage(0)}
      />

      <CustomerReferrals customerId={customer.id} />
    </Container>
  )
}

/* ------------------------------------------------------------------ */

/**
 * The account's point figures, in the order shown: the field, its label and
 * the value's colour; each is read by the test id `loyalty-<field>` (dashed).
 * Debt shows only when there is some.
 */
const FIGURES: ["balance" | "pending" | "debt" | "lifetime_earned" | "lifetime_redeemed", string, string?][] = [
  ["balance", "Available", "text-ui-fg-base font-medium"],
  ["pending", "Pending"],
  ["debt", "Debt", "text-ui-fg-error"],
  ["lifetime_earned", "Lifetime earned"],
  ["lifetime_redeemed", "Lifetime redeemed"],
]

const AccountSummary = ({ account }: { account: LoyaltyAccount }) => {
  const expiry = account.next_expiry
  const expiryPoints = expiry ? toNumber(expiry.points) : 0

  return (
    <div className="divide-y">
      {FIGURES.filter(([field]) => field !== "debt" || toNumber(account.debt) > 0).map(([field, label, className]) => (
        <SummaryRow
          key={field}
          label={label}
          value={formatPoints(account[field])}
          testId={`loyalty-${field.replace(/_/g, "-")}`}
          className={className}
        />
      ))}
      <SummaryRow
        label="Next expiry"
        value={
          expiry && expiryPoints > 0
            ? `${formatPoints(expiryPoints)} ${pluralPoints(expiryPoints)} ${
                expiryPoints === 1 ? "expires" : "expire"
              } on ${formatDate(expiry.expires_at)}`
            : "No points expiring"
        }
        testId="loyalty-next-expiry"
      />
    </div>
  )
}

/* ------------------------------------------------------------------ */

const pointsClass = (n: number) =>
  n > 0
    ? "text-ui-tag-green-text"
    : n < 0
      ? "text-ui-tag-red-text"
      : "text-ui-fg-muted"

const ACTOR_LABELS: Record<LoyaltyEntry["actor_type"], string> = {
  admin: "Admin",
  customer: "Customer",
  system: "System",
}

const EntryReference = ({ entry }: { entry: LoyaltyEntry }) => {
  if (entry.order_id) {
    return (
      <Link
        to={`/orders/${entry.order_id}`}
        className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-small"
        title={entry.order_id}
      >
        {shortId(entry.order_id)}
      </Link>
    )
  }
  if (entry.reference_id) {
    return (
      <span title={`${entry.reference_type ?? ""} ${entry.reference_id}`}>
        {entry.reference_type ? `${entry.reference_type}: ` : ""}
        {shortId(entry.reference_id)}
      </span>
    )
  }
  return <span className="text-ui-fg-muted">-</span>
}

/** "order_01HX…ABCD" → "…ABCD" style shortening that keeps ids recognisable. */
const shortId = (id: string) =>
  id.length > 16 ? `${id.slice(0, 6)}…${id.slice(-6)}` : id

const entryColumn = createDataTableColumnHelper<LoyaltyEntry>()

/** The ledger's columns, newest entry first; times, reasons and ids are shortened, their whole text on hover. */
const LEDGER_COLUMNS = [
  entryColumn.accessor("created_at", {
    header: "Date",
    // The day, its time on hover: the six columns fit the customer page's main column.
    cell: ({ getValue }) => (
      <span className="whitespace-nowrap" title={formatDateTime(getValue())}>
        {formatDate(getValue())}
      </span>
    ),
  }),
  entryColumn.accessor("type", {
    header: "Type",
    cell: ({ getValue }) => (
      <span data-entry-type={getValue()}>
        <Badge size="2xsmall" color={ENTRY_TYPE_COLORS[getValue()] ?? "grey"}>
          {ENTRY_TYPE_LABELS[getValue()] ?? getValue()}
        </Badge>
      </span>
    ),
  }),
  entryColumn.accessor("points", {
    header: "Points",
    align: "right",
    cell: ({ getValue }) => {
      const points = toNumber(getValue())
      return (
        <span className={clx("whitespace-nowrap font-medium", pointsClass(points))} data-testid="loyalty-ledger-points">
          {formatSignedPoints(points)}
        </span>
      )
    },
  }),
  entryColumn.accessor("reason", {
    header: "Reason",
    cell: ({ getValue }) => (
      <div className="max-w-[180px] truncate" title={getValue()}>
        {getValue() || "-"}
      </div>
    ),
  }),
  entryColumn.display({
    id: "reference",
    header: "Order",
    cell: ({ row }) => <EntryReference entry={row.original} />,
  }),
  entryColumn.accessor("actor_type", {
    header: "Actor",
    cell: ({ getValue, row }) => (
      <span title={row.original.actor_id ?? undefined}>{ACTOR_LABELS[getValue()] ?? getValue()}</span>
    ),
  }),
]

const Ledger = ({ entries, page }: { entries: LoyaltyEntry[]; page: PageState }) => (
  <PagedDataTable
    page={page}
    empty="No point movements yet."
    pager={{ always: true, testIdPrefix: "loyalty-ledger" }}
    testId="loyalty-ledger"
    data={entries}
    columns={LEDGER_COLUMNS}
    getRowId={(entry) => entry.id}
  />
)

/* ------------------------------------------------------------------ */

type AdjustErrors = { points?: string; reason?: string }

const validateAdjustment = (
  pointsInput: string,
  reasonInput: string
): { errors: AdjustErrors; points: number; reason: string } => {
  const errors: AdjustErrors = {}
  const trimmedPoints = pointsInput.trim()
  const points = Number(trimmedPoints)
  const reason = reasonInput.trim()

  if (!trimmedPoints) {
    errors.points = "Enter a number of points."
  } else if (!/^[+-]?\d+$/.test(trimmedPoints) || !Number.isSafeInteger(points)) {
    errors.points = "Points must be a whole number."
  } else if (points === 0) {
    errors.points = "Points cannot be 0."
  } else if (Math.abs(points) > LOYALTY_MAX_ADJUSTMENT) {
    errors.points = `At most ${formatPoints(LOYALTY_MAX_ADJUSTMENT)} points at a time.`
  }

  if (!reason) {
    errors.reason = "A reason is required."
  } else if (reason.length > LOYALTY_MAX_REASON_LENGTH) {
    errors.reason = `At most ${LOYALTY_MAX_REASON_LENGTH} characters.`
  }

  return { errors, points, reason }
}

const AdjustPointsForm = ({
  customerId,
  onAdjusted,
}: {
  customerId: string
  onAdjusted: () => void
}) => {
  const [points, setPoints] = useState("")
  const [reason, setReason] = useState("")
  const [errors, setErrors] = useState<AdjustErrors>({})
  const [serverError, setServerError] = useState<string | null>(null)
  const { mutateAsync, isPending } = useAdjustLoyaltyPoints(customerId)

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const result = validateAdjustment(points, reason)
    setErrors(result.errors)
    setServerError(null)
    if (result.errors.points || result.errors.reason) {
      return
    }

    try {
      const res = await mutateAsync({
        points: result.points,
        reason: result.reason,
      })
      toast.success("Points adjusted", {
        description: `${formatSignedPoints(result.points)} ${pluralPoints(
          result.points
        )}. New balance: ${formatPoints(res.account.balance)}.`,
      })
      setPoints("")
      setReason("")
      onAdjusted()
    } catch (err) {
      const message = getErrorMessage(err)
      setServerError(message)
      toast.error("Could not adjust points", { description: message })
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-y-3 px-6 py-4">
      <Text size="small" weight="plus">
        Adjust points
      </Text>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-[140px_1fr]">
        <InputField
          id="loyalty-adjust-points"
          label="Points"
          size="small"
          number="int"
          placeholder="e.g. 100 or -50"
          value={points}
          onChange={setPoints}
          error={errors.points}
        />
        <ReasonField
          id="loyalty-adjust-reason"
          placeholder="Shown in the ledger"
          value={reason}
          onChange={setReason}
          error={errors.reason}
        />
      </div>
      {serverError && (
        <Text
          size="small"
          className="text-ui-fg-error"
          data-testid="loyalty-adjust-error"
        >
          {serverError}
        </Text>
      )}
      <div className="flex justify-end">
        <Button
          size="small"
          type="submit"
          isLoading={isPending}
          data-testid="loyalty-adjust-submit"
        >
          Adjust points
        </Button>
      </div>
    </form>
  )
}

export const config = defineWidgetConfig({
  zone: "customer.details.after",
  // Stable, plugin-prefixed id: keeps merchants' layout choices across renames.
  id: "loyalty-points.customer-loyalty",
})

export default CustomerLoyaltyWidget
