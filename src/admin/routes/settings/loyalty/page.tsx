import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Sparkles } from "@medusajs/icons"
import { Alert, Text } from "@medusajs/ui"
import { useMemo } from "react"
import { InputField, NotedInput, SwitchField } from "../../../components/form-field"
import {
  CurrencyTable,
  FormSection,
  ProgramEditorForm,
  ProgramSettingsPage,
  ProgramVersionHeader,
} from "../../../components/program-settings"
import { WhatIfPanel } from "../../../components/what-if-panel"
import type { WhatIfBody } from "../../../lib/what-if-api"
import {
  useLoyaltyProgram,
  useUpdateLoyaltyProgram,
} from "../../../hooks/use-loyalty"
import {
  DECIMAL_RE,
  changedInts,
  lowerKeys,
  parseAmounts,
  parseInts,
  ratesToText,
  sameRecord,
  unlessErrors,
  useProgramForm,
  type IntRule,
} from "../../../lib/form"
import { toNumber } from "../../../lib/format"
import { Limits } from "../../../../lib/shared/vocabulary"
import {
  type AdminLoyaltyProgramResponse,
  type LoyaltyProgram,
  type LoyaltyProgramUpdate,
} from "../../../lib/loyalty-api"

/* ------------------------------------------------------------------ */
/* Form model: every input is kept as typed text and parsed on save.  */
/* ------------------------------------------------------------------ */

type IntField =
  | "pending_days"
  | "expiry_months"
  | "signup_bonus"
  | "min_redeem_points"
  | "redeem_step"

type ProgramForm = Record<IntField, string> & {
  earn_rates: Record<string, string>
  point_values: Record<string, string>
  /** 0..100 in the UI; 0..1 (`max_redeem_share`) on the wire. */
  max_redeem_percent: string
  shipping_redeemable: boolean
}

type FormErrors = Partial<Record<IntField | "max_redeem_percent", string>> & {
  earn_rates?: Record<string, string>
  point_values?: Record<string, string>
}

const percentText = (share: number) =>
  String(Math.round(toNumber(share) * 100 * 100) / 100)

const toForm = (program: LoyaltyProgram, codes: string[]): ProgramForm => ({
  earn_rates: ratesToText(program.earn_rates, codes),
  point_values: ratesToText(program.point_values, codes),
  pending_days: String(toNumber(program.pending_days)),
  expiry_months: String(toNumber(program.expiry_months)),
  signup_bonus: String(toNumber(program.signup_bonus)),
  min_redeem_points: String(toNumber(program.min_redeem_points)),
  redeem_step: String(toNumber(program.redeem_step)),
  max_redeem_percent: percentText(program.max_redeem_share),
  shipping_redeemable: !!program.shipping_redeemable,
})

/** The server validator's bounds; the server stays the judge. */
const INT_RULES: Record<IntField, IntRule> = Limits.program
const MAX_PER_CURRENCY = Limits.per_currency
const RATE = { invalid: "Enter a number, e.g. 1 or 0.5.", max: MAX_PER_CURRENCY }
/** Earn rates have their own, lower bound: one order's points must fit the ledger. */
const EARN_RATE = { ...RATE, max: Limits.earn_rate }

const parseForm = (
  form: ProgramForm
): { errors: FormErrors; values: Required<LoyaltyProgramUpdate> | null } => {
  const earn = parseAmounts(form.earn_rates, { ...EARN_RATE, allowZero: true })
  const values = parseAmounts(form.point_values, { ...RATE, allowZero: false })
  const ints = parseInts(form, INT_RULES)
  const errors: FormErrors = { ...ints.errors }
  if (Object.keys(earn.errors).length) errors.earn_rates = earn.errors
  if (Object.keys(values.errors).length) errors.point_values = values.errors

  const pctText = form.max_redeem_percent.trim()
  const pct = Number(pctText)
  if (!DECIMAL_RE.test(pctText) || !Number.isFinite(pct) || pct > 100) {
    errors.max_redeem_percent = "Enter a percentage from 0 to 100."
  }

  return {
    errors,
    values: unlessErrors(errors, () => ({
      earn_rates: earn.value,
      point_values: values.value,
      ...ints.values,
      // 4 decimals on the wire avoids 0.07 * 100 style float noise.
      max_redeem_share: Number((pct / 100).toFixed(4)),
      shipping_redeemable: form.shipping_redeemable,
    })),
  }
}

/** Only the fields that changed: every save makes a new program version. */
const diffProgram = (
  program: LoyaltyProgram,
  next: Required<LoyaltyProgramUpdate>
): LoyaltyProgramUpdate => {
  const body: LoyaltyProgramUpdate = changedInts(program, next, INT_RULES)
  if (!sameRecord(lowerKeys(program.earn_rates), next.earn_rates)) {
    body.earn_rates = next.earn_rates
  }
  if (!sameRecord(lowerKeys(program.point_values), next.point_values)) {
    body.point_values = next.point_values
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

const LoyaltySettingsPage = () => (
  <ProgramSettingsPage
    query={useLoyaltyProgram({ refetchOnWindowFocus: false })}
    what="loyalty program"
    editor={ProgramEditor}
  />
)

const INT_FIELDS: { field: IntField; label: string; hint?: string }[][] = [
  [
    { field: "pending_days", label: "Pending days", hint: "Return window: points stay pending this many days." },
    { field: "expiry_months", label: "Expiry (months)", hint: "0 = points never expire." },
    { field: "signup_bonus", label: "Sign-up bonus (points)", hint: "0 = no sign-up bonus." },
  ],
  [
    { field: "min_redeem_points", label: "Minimum points per redemption" },
    { field: "redeem_step", label: "Redemption step", hint: "Points are redeemed in multiples of this." },
  ],
]

const ProgramEditor = ({ data }: { data: AdminLoyaltyProgramResponse }) => {
  const { program } = data
  const storeCodes = useMemo(
    () => new Set(data.store_currencies.map((c) => c.toLowerCase())),
    [data.store_currencies]
  )
  const { form, setForm, bind, errors, codes, saveBar } = useProgramForm(data, {
    records: (saved) => [saved.earn_rates, saved.point_values],
    toForm,
    parse: parseForm,
    diff: diffProgram,
    mutation: useUpdateLoyaltyProgram(),
    what: "loyalty program",
  })
  const savedAt = program.updated_at ?? program.created_at

  const setRate = (
    key: "earn_rates" | "point_values",
    code: string,
    value: string
  ) => setForm((f) => ({ ...f, [key]: { ...f[key], [code]: value } }))

  // The what-if takes the form's unsaved values (those the replay uses); null while the form has errors.
  const proposal = useMemo((): WhatIfBody | null => {
    const { values } = parseForm(form)
    if (!values) return null
    const { signup_bonus: _signup, shipping_redeemable: _shipping, ...program } = values
    return { program }
  }, [form])

  /** One currency's earn rate or point value; the hint depends on whether it is set. */
  const rateInput = (
    key: "earn_rates" | "point_values",
    code: string,
    { label, testId, placeholder, hint }: { label: string; testId: string; placeholder: string; hint: (filled: boolean) => string }
  ) => {
    const text = form[key][code] ?? ""
    return (
      <NotedInput
        aria-label={label}
        testId={testId}
        number="decimal"
        min={0}
        placeholder={placeholder}
        value={text}
        onChange={(value) => setRate(key, code, value)}
        error={errors[key]?.[code]}
        hint={hint(!!text.trim())}
      />
    )
  }

  const intField = ({ field, label, hint }: { field: IntField; label: string; hint?: string }) => (
    <InputField
      key={field}
      id={`loyalty-${field}`}
      testId={`loyalty-${field.replace(/_/g, "-")}`}
      label={label}
      hint={hint}
      number="int"
      {...INT_RULES[field]}
      {...bind(field)}
    />
  )

  return (
    <ProgramEditorForm
      header={
        <ProgramVersionHeader
          title="Loyalty program"
          testId="loyalty-program-version"
          version={program.version}
          savedAt={savedAt}
          unsaved="the plugin's default rules"
        />
      }
      {...saveBar}
      saveTestId="loyalty-program-save"
    >
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

      <FormSection
        title="Currencies"
        description="Points earned per 1 unit spent, and what one point is worth when paying. Leave empty to turn a currency off."
        tight
      >
        {codes.length === 0 ? (
          <Text size="small" className="text-ui-fg-muted">
            The store has no currencies yet.
          </Text>
        ) : (
          <CurrencyTable
            testId="loyalty-currency-rates"
            codes={codes}
            columns={["Points per 1 unit spent", "Value of 1 point"]}
            storeCodes={storeCodes}
            cells={(code, upper) => [
              rateInput("earn_rates", code, {
                label: `Points per 1 ${upper} spent`,
                testId: `loyalty-earn-rate-${code}`,
                placeholder: "Earns nothing",
                hint: (filled) => (filled ? `Points per 1 ${upper}.` : `Empty: ${upper} orders earn no points.`),
              }),
              rateInput("point_values", code, {
                label: `Value of 1 point in ${upper}`,
                testId: `loyalty-point-value-${code}`,
                placeholder: "Not redeemable",
                hint: (filled) => (filled ? `${upper} per point, e.g. 0.01.` : `Empty: points cannot pay in ${upper}.`),
              }),
            ]}
          />
        )}
      </FormSection>

      <FormSection title="Earning">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-3">{INT_FIELDS[0].map(intField)}</div>
      </FormSection>

      <FormSection title="Redemption">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
          {INT_FIELDS[1].map(intField)}
          <InputField
            id="loyalty-max_redeem_percent"
            testId="loyalty-max-redeem-share"
            label="Maximum share of the cart (%)"
            hint="How much of a cart points may pay, 0–100."
            number="decimal"
            min={0}
            max={100}
            {...bind("max_redeem_percent")}
          />
        </div>
        <SwitchField
          id="loyalty-shipping_redeemable"
          testId="loyalty-shipping-redeemable"
          label="Shipping payable with points"
          hint="When off, points pay only for items."
          {...bind("shipping_redeemable")}
        />
      </FormSection>

      <WhatIfPanel proposal={proposal} disabledReason="Fix the form's errors first." />
    </ProgramEditorForm>
  )
}

export const config = defineRouteConfig({
  label: "Loyalty",
  icon: Sparkles,
})

export default LoyaltySettingsPage
