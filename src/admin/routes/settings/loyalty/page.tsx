import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Sparkles } from "@medusajs/icons"
import {
  Alert,
  Button,
  Container,
  Heading,
  Input,
  Label,
  Switch,
  Table,
  Text,
  clx,
  toast,
} from "@medusajs/ui"
import { useMemo, useState, type FormEvent, type ReactNode } from "react"
import { LoyaltySettingsNav } from "../../../components/loyalty-settings-nav"
import {
  useLoyaltyProgram,
  useUpdateLoyaltyProgram,
} from "../../../hooks/use-loyalty"
import { formatDateTime, toNumber } from "../../../lib/format"
import {
  getErrorMessage,
  type AdminLoyaltyProgramResponse,
  type LoyaltyProgram,
  type LoyaltyProgramUpdate,
} from "../../../lib/loyalty-api"

/* ------------------------------------------------------------------ */
/* Form model: every input is kept as typed text and parsed on save.  */
/* ------------------------------------------------------------------ */

type ProgramForm = {
  earn_rates: Record<string, string>
  point_values: Record<string, string>
  pending_days: string
  expiry_months: string
  signup_bonus: string
  min_redeem_points: string
  redeem_step: string
  /** 0..100 in the UI; 0..1 (`max_redeem_share`) on the wire. */
  max_redeem_percent: string
  shipping_redeemable: boolean
}

type IntField =
  | "pending_days"
  | "expiry_months"
  | "signup_bonus"
  | "min_redeem_points"
  | "redeem_step"

type FormErrors = Partial<Record<IntField | "max_redeem_percent", string>> & {
  earn_rates?: Record<string, string>
  point_values?: Record<string, string>
}

const lowerKeys = (rec: Record<string, unknown> | null | undefined) => {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(rec ?? {})) {
    out[k.toLowerCase()] = toNumber(v)
  }
  return out
}

const rateToText = (rec: Record<string, number>, code: string) =>
  code in rec ? String(rec[code]) : ""

/** Store currencies first (in the store's order), then any other code the program still mentions. */
const currencyCodes = (data: AdminLoyaltyProgramResponse) => {
  const codes = data.store_currencies.map((c) => c.toLowerCase())
  const extra = [
    ...Object.keys(data.program.earn_rates ?? {}),
    ...Object.keys(data.program.point_values ?? {}),
  ]
    .map((c) => c.toLowerCase())
    .filter((c) => !codes.includes(c))
  return [...codes, ...Array.from(new Set(extra)).sort()]
}

const percentText = (share: number) =>
  String(Math.round(toNumber(share) * 100 * 100) / 100)

const toForm = (
  program: LoyaltyProgram,
  codes: string[]
): ProgramForm => {
  const earn = lowerKeys(program.earn_rates)
  const values = lowerKeys(program.point_values)
  return {
    earn_rates: Object.fromEntries(codes.map((c) => [c, rateToText(earn, c)])),
    point_values: Object.fromEntries(
      codes.map((c) => [c, rateToText(values, c)])
    ),
    pending_days: String(toNumber(program.pending_days)),
    expiry_months: String(toNumber(program.expiry_months)),
    signup_bonus: String(toNumber(program.signup_bonus)),
    min_redeem_points: String(toNumber(program.min_redeem_points)),
    redeem_step: String(toNumber(program.redeem_step)),
    max_redeem_percent: percentText(program.max_redeem_share),
    shipping_redeemable: !!program.shipping_redeemable,
  }
}

const INT_RE = /^\d+$/
const DECIMAL_RE = /^\d+(\.\d+)?$|^\.\d+$/

/** Bounds mirrored from the server's validator; the server stays the judge. */
const INT_RULES: Record<IntField, { min: number; max: number }> = {
  pending_days: { min: 0, max: 365 },
  expiry_months: { min: 0, max: 120 },
  signup_bonus: { min: 0, max: 1_000_000 },
  min_redeem_points: { min: 0, max: 10_000_000 },
  redeem_step: { min: 1, max: 1_000_000 },
}
const MAX_PER_CURRENCY = 1_000_000

const parseRates = (
  rates: Record<string, string>,
  allowZero: boolean
): { value: Record<string, number>; errors: Record<string, string> } => {
  const value: Record<string, number> = {}
  const errors: Record<string, string> = {}
  for (const [code, raw] of Object.entries(rates)) {
    const text = raw.trim()
    if (!text) continue // empty = not set for this currency
    const n = Number(text)
    if (!DECIMAL_RE.test(text) || !Number.isFinite(n)) {
      errors[code] = "Enter a number, e.g. 1 or 0.5."
    } else if (n > MAX_PER_CURRENCY) {
      errors[code] = "That is too large."
    } else if (!allowZero && n === 0) {
      errors[code] = "Must be above 0, or leave empty."
    } else {
      value[code] = n
    }
  }
  return { value, errors }
}

const parseForm = (
  form: ProgramForm
): { errors: FormErrors; values: Required<LoyaltyProgramUpdate> | null } => {
  const errors: FormErrors = {}

  const earn = parseRates(form.earn_rates, true)
  if (Object.keys(earn.errors).length) errors.earn_rates = earn.errors
  const values = parseRates(form.point_values, false)
  if (Object.keys(values.errors).length) errors.point_values = values.errors

  const ints = {} as Record<IntField, number>
  for (const field of Object.keys(INT_RULES) as IntField[]) {
    const text = form[field].trim()
    const rule = INT_RULES[field]
    const n = Number(text)
    if (!INT_RE.test(text) || !Number.isSafeInteger(n)) {
      errors[field] = "Enter a whole number."
    } else if (n < rule.min || n > rule.max) {
      errors[field] = `Enter a number from ${rule.min} to ${rule.max.toLocaleString("en-US")}.`
    } else {
      ints[field] = n
    }
  }

  const pctText = form.max_redeem_percent.trim()
  const pct = Number(pctText)
  if (!DECIMAL_RE.test(pctText) || !Number.isFinite(pct) || pct > 100) {
    errors.max_redeem_percent = "Enter a percentage from 0 to 100."
  }

  if (Object.keys(errors).length) {
    return { errors, values: null }
  }

  return {
    errors,
    values: {
      earn_rates: earn.value,
      point_values: values.value,
      ...ints,
      // 4 decimals on the wire avoids 0.07 * 100 style float noise.
      max_redeem_share: Number((pct / 100).toFixed(4)),
      shipping_redeemable: form.shipping_redeemable,
    },
  }
}

const sameRecord = (a: Record<string, number>, b: Record<string, number>) => {
  const ka = Object.keys(a).sort()
  const kb = Object.keys(b).sort()
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k])
}

/** Only the fields that changed: every save makes a new program version. */
const diffProgram = (
  program: LoyaltyProgram,
  next: Required<LoyaltyProgramUpdate>
): LoyaltyProgramUpdate => {
  const body: LoyaltyProgramUpdate = {}
  if (!sameRecord(lowerKeys(program.earn_rates), next.earn_rates)) {
    body.earn_rates = next.earn_rates
  }
  if (!sameRecord(lowerKeys(program.point_values), next.point_values)) {
    body.point_values = next.point_values
  }
  for (const field of Object.keys(INT_RULES) as IntField[]) {
    if (toNumber(program[field]) !== next[field]) body[field] = next[field]
  }
  if (toNumber(program.max_redeem_share) !== next.max_redeem_share) {
    body.max_redeem_share = next.max_redeem_share
  }
  if (!!program.shipping_redeemable !== next.shipping_redeemable) {
    body.shipping_redeemable = next.shipping_redeemable
  }
  return body
}

/* ------------------------------------------------------------------ */

const LoyaltySettingsPage = () => {
  // Do not refetch on focus: a refetch with a new version would reset edits.
  const { data, isPending, isError, error } = useLoyaltyProgram({
    refetchOnWindowFocus: false,
  })

  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      {isPending ? (
        <Container>
          <Text size="small" className="text-ui-fg-subtle">
            Loading the loyalty program…
          </Text>
        </Container>
      ) : isError ? (
        <Container>
          <Text size="small" className="text-ui-fg-error">
            Could not load the loyalty program: {getErrorMessage(error)}
          </Text>
        </Container>
      ) : (
        // A new version (after a save) re-initialises the form.
        <ProgramEditor key={data.program.version} data={data} />
      )}
    </div>
  )
}

const Field = ({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string
  label: string
  hint?: ReactNode
  error?: string
  children: ReactNode
}) => (
  <div className="flex flex-col gap-y-1">
    <Label size="small" weight="plus" htmlFor={id}>
      {label}
    </Label>
    {children}
    {error ? (
      <Text size="xsmall" className="text-ui-fg-error">
        {error}
      </Text>
    ) : hint ? (
      <Text size="xsmall" className="text-ui-fg-subtle">
        {hint}
      </Text>
    ) : null}
  </div>
)

const ProgramEditor = ({ data }: { data: AdminLoyaltyProgramResponse }) => {
  const { program } = data
  const codes = useMemo(() => currencyCodes(data), [data])
  const storeCodes = useMemo(
    () => new Set(data.store_currencies.map((c) => c.toLowerCase())),
    [data.store_currencies]
  )
  const initial = useMemo(() => toForm(program, codes), [program, codes])
  const [form, setForm] = useState<ProgramForm>(initial)
  const [errors, setErrors] = useState<FormErrors>({})
  const { mutateAsync, isPending } = useUpdateLoyaltyProgram()

  const dirty = JSON.stringify(form) !== JSON.stringify(initial)
  const savedAt = program.updated_at ?? program.created_at

  const set = <K extends keyof ProgramForm>(key: K, value: ProgramForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }))

  const setRate = (
    key: "earn_rates" | "point_values",
    code: string,
    value: string
  ) => setForm((f) => ({ ...f, [key]: { ...f[key], [code]: value } }))

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const parsed = parseForm(form)
    setErrors(parsed.errors)
    if (!parsed.values) {
      toast.error("Please fix the highlighted fields")
      return
    }
    const body = diffProgram(program, parsed.values)
    if (!Object.keys(body).length) {
      toast.info("Nothing to save")
      return
    }
    try {
      const res = await mutateAsync(body)
      toast.success("Loyalty program saved", {
        description: `Version ${res.program.version}`,
      })
    } catch (err) {
      toast.error("Could not save the loyalty program", {
        description: getErrorMessage(err),
      })
    }
  }

  const intInput = (field: IntField, placeholder?: string) => (
    <Input
      id={`loyalty-${field}`}
      data-testid={`loyalty-${field.replace(/_/g, "-")}`}
      type="number"
      inputMode="numeric"
      min={INT_RULES[field].min}
      max={INT_RULES[field].max}
      step={1}
      placeholder={placeholder}
      value={form[field]}
      onChange={(e) => set(field, e.target.value)}
      aria-invalid={!!errors[field]}
    />
  )

  return (
    <Container className="divide-y p-0">
      <form onSubmit={onSubmit} noValidate className="divide-y">
        <div className="flex items-start justify-between gap-x-4 px-6 py-4">
          <div>
            <Heading level="h1">Loyalty program</Heading>
            <Text
              size="small"
              className="text-ui-fg-subtle"
              data-testid="loyalty-program-version"
            >
              {program.version > 0
                ? `Version ${program.version}${
                    savedAt ? `, saved ${formatDateTime(savedAt)}` : ""
                  }`
                : "Version 0: the plugin's default rules, not saved yet"}
            </Text>
          </div>
        </div>

        {data.currencies_without_earn_rate.length > 0 && (
          <div className="px-6 py-4">
            <Alert variant="warning" data-testid="loyalty-missing-earn-rates">
              No earn rate for{" "}
              {data.currencies_without_earn_rate
                .map((c) => c.toUpperCase())
                .join(", ")}
              : orders in{" "}
              {data.currencies_without_earn_rate.length === 1
                ? "this currency earn"
                : "these currencies earn"}{" "}
              no points.
            </Alert>
          </div>
        )}

        {/* ---------------- Currencies ---------------- */}
        <div className="flex flex-col gap-y-3 px-6 py-4">
          <div>
            <Heading level="h2">Currencies</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              Points earned per 1 unit spent, and what one point is worth when
              paying. Leave empty to turn a currency off.
            </Text>
          </div>
          {codes.length === 0 ? (
            <Text size="small" className="text-ui-fg-muted">
              The store has no currencies yet.
            </Text>
          ) : (
            <Table data-testid="loyalty-currency-rates">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Currency</Table.HeaderCell>
                  <Table.HeaderCell>Points per 1 unit spent</Table.HeaderCell>
                  <Table.HeaderCell>Value of 1 point</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {codes.map((code) => {
                  const upper = code.toUpperCase()
                  const earnError = errors.earn_rates?.[code]
                  const valueError = errors.point_values?.[code]
                  return (
                    <Table.Row key={code} className="[&_td]:align-top">
                      <Table.Cell className="py-3">
                        <Text size="small" weight="plus">
                          {upper}
                        </Text>
                        {!storeCodes.has(code) && (
                          <Text size="xsmall" className="text-ui-fg-muted">
                            Not a store currency
                          </Text>
                        )}
                      </Table.Cell>
                      <Table.Cell className="py-3">
                        <Input
                          size="small"
                          aria-label={`Points per 1 ${upper} spent`}
                          data-testid={`loyalty-earn-rate-${code}`}
                          type="number"
                          inputMode="decimal"
                          min={0}
                          step="any"
                          placeholder="Earns nothing"
                          value={form.earn_rates[code] ?? ""}
                          onChange={(e) =>
                            setRate("earn_rates", code, e.target.value)
                          }
                          aria-invalid={!!earnError}
                        />
                        <Text
                          size="xsmall"
                          className={clx(
                            "mt-1",
                            earnError ? "text-ui-fg-error" : "text-ui-fg-subtle"
                          )}
                        >
                          {earnError ??
                            (!(form.earn_rates[code] ?? "").trim()
                              ? `Empty: ${upper} orders earn no points.`
                              : `Points per 1 ${upper}.`)}
                        </Text>
                      </Table.Cell>
                      <Table.Cell className="py-3">
                        <Input
                          size="small"
                          aria-label={`Value of 1 point in ${upper}`}
                          data-testid={`loyalty-point-value-${code}`}
                          type="number"
                          inputMode="decimal"
                          min={0}
                          step="any"
                          placeholder="Not redeemable"
                          value={form.point_values[code] ?? ""}
                          onChange={(e) =>
                            setRate("point_values", code, e.target.value)
                          }
                          aria-invalid={!!valueError}
                        />
                        <Text
                          size="xsmall"
                          className={clx(
                            "mt-1",
                            valueError ? "text-ui-fg-error" : "text-ui-fg-subtle"
                          )}
                        >
                          {valueError ??
                            (!(form.point_values[code] ?? "").trim()
                              ? `Empty: points cannot pay in ${upper}.`
                              : `${upper} per point, e.g. 0.01.`)}
                        </Text>
                      </Table.Cell>
                    </Table.Row>
                  )
                })}
              </Table.Body>
            </Table>
          )}
        </div>

        {/* ---------------- Earning ---------------- */}
        <div className="flex flex-col gap-y-4 px-6 py-4">
          <Heading level="h2">Earning</Heading>
          <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
            <Field
              id="loyalty-pending_days"
              label="Pending days"
              hint="Return window: points stay pending this many days."
              error={errors.pending_days}
            >
              {intInput("pending_days")}
            </Field>
            <Field
              id="loyalty-expiry_months"
              label="Expiry (months)"
              hint="0 = points never expire."
              error={errors.expiry_months}
            >
              {intInput("expiry_months")}
            </Field>
            <Field
              id="loyalty-signup_bonus"
              label="Sign-up bonus (points)"
              hint="0 = no sign-up bonus."
              error={errors.signup_bonus}
            >
              {intInput("signup_bonus")}
            </Field>
          </div>
        </div>

        {/* ---------------- Redemption ---------------- */}
        <div className="flex flex-col gap-y-4 px-6 py-4">
          <Heading level="h2">Redemption</Heading>
          <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
            <Field
              id="loyalty-min_redeem_points"
              label="Minimum points per redemption"
              error={errors.min_redeem_points}
            >
              {intInput("min_redeem_points")}
            </Field>
            <Field
              id="loyalty-redeem_step"
              label="Redemption step"
              hint="Points are redeemed in multiples of this."
              error={errors.redeem_step}
            >
              {intInput("redeem_step")}
            </Field>
            <Field
              id="loyalty-max_redeem_percent"
              label="Maximum share of the cart (%)"
              hint="How much of a cart points may pay, 0–100."
              error={errors.max_redeem_percent}
            >
              <Input
                id="loyalty-max_redeem_percent"
                data-testid="loyalty-max-redeem-share"
                type="number"
                inputMode="decimal"
                min={0}
                max={100}
                step="any"
                value={form.max_redeem_percent}
                onChange={(e) => set("max_redeem_percent", e.target.value)}
                aria-invalid={!!errors.max_redeem_percent}
              />
            </Field>
          </div>
          <div className="flex items-center gap-x-3">
            <Switch
              id="loyalty-shipping_redeemable"
              data-testid="loyalty-shipping-redeemable"
              checked={form.shipping_redeemable}
              onCheckedChange={(checked) =>
                set("shipping_redeemable", checked)
              }
            />
            <div>
              <Label
                size="small"
                weight="plus"
                htmlFor="loyalty-shipping_redeemable"
              >
                Shipping payable with points
              </Label>
              <Text size="xsmall" className="text-ui-fg-subtle">
                When off, points pay only for items.
              </Text>
            </div>
          </div>
        </div>

        <div className="flex items-center justify-end gap-x-2 px-6 py-4">
          {dirty && (
            <Text size="small" className="text-ui-fg-subtle mr-auto">
              Unsaved changes
            </Text>
          )}
          <Button
            size="small"
            variant="secondary"
            type="button"
            disabled={!dirty || isPending}
            onClick={() => {
              setForm(initial)
              setErrors({})
            }}
          >
            Reset
          </Button>
          <Button
            size="small"
            type="submit"
            isLoading={isPending}
            disabled={!dirty}
            data-testid="loyalty-program-save"
          >
            Save
          </Button>
        </div>
      </form>
    </Container>
  )
}

export const config = defineRouteConfig({
  label: "Loyalty",
  icon: Sparkles,
})

export default LoyaltySettingsPage
