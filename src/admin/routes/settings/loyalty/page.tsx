import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Sparkles } from "@medusajs/icons"
import { Alert, Text } from "@medusajs/ui"
import { useMemo } from "react"
import { InputField, NotedInput, SwitchField } from "../../../components/form-field"
import {
  CurrencyTable,
  FormSection,
  ProgramEditorForm,
  ProgramIntFields,
  ProgramSettingsPage,
} from "../../../components/program-settings"
import { WhatIfPanel } from "../../../components/what-if-panel"
import type { WhatIfBody } from "../../../lib/what-if-api"
import {
  useLoyaltyProgram,
  useUpdateLoyaltyProgram,
} from "../../../hooks/use-loyalty"
import { DECIMAL_RE, useProgramForm, type AmountRule, type IntRule } from "../../../lib/form"
import { toNumber } from "../../../lib/format"
import { Limits } from "../../../../lib/shared/vocabulary"
import { type AdminLoyaltyProgramResponse, type LoyaltyProgram } from "../../../lib/loyalty-api"

/* ------------------------------------------------------------------ */
/* Form model: every input is kept as typed text and parsed on save.  */
/* ------------------------------------------------------------------ */

type IntField =
  | "pending_days"
  | "expiry_months"
  | "signup_bonus"
  | "min_redeem_points"
  | "redeem_step"

/** The fields besides the whole numbers and the amounts per currency. */
type OwnForm = {
  /** 0..100 in the UI; 0..1 (`max_redeem_share`) on the wire. */
  max_redeem_percent: string
  shipping_redeemable: boolean
}

type OwnValues = Pick<LoyaltyProgram, "max_redeem_share" | "shipping_redeemable">

const percentText = (share: number) =>
  String(Math.round(toNumber(share) * 100 * 100) / 100)

const toForm = (program: LoyaltyProgram): OwnForm => ({
  max_redeem_percent: percentText(program.max_redeem_share),
  shipping_redeemable: !!program.shipping_redeemable,
})

/** The server validator's bounds; the server stays the judge. */
const INT_RULES: Record<IntField, IntRule> = Limits.program
const MAX_PER_CURRENCY = Limits.per_currency
const RATE = { invalid: "Enter a number, e.g. 1 or 0.5.", max: MAX_PER_CURRENCY }
const AMOUNT_RULES: Record<"earn_rates" | "point_values", AmountRule> = {
  /** Earn rates have their own, lower bound: one order's points must fit the ledger. */
  earn_rates: { ...RATE, max: Limits.earn_rate, allowZero: true },
  point_values: { ...RATE, allowZero: false },
}

const parseForm = (form: OwnForm): { errors: { max_redeem_percent?: string }; values: OwnValues } => {
  const pctText = form.max_redeem_percent.trim()
  const pct = Number(pctText)
  return {
    errors:
      !DECIMAL_RE.test(pctText) || !Number.isFinite(pct) || pct > 100
        ? { max_redeem_percent: "Enter a percentage from 0 to 100." }
        : {},
    values: {
      // 4 decimals on the wire avoids 0.07 * 100 style float noise.
      max_redeem_share: Number((pct / 100).toFixed(4)),
      shipping_redeemable: form.shipping_redeemable,
    },
  }
}

/** Only the fields that changed: every save makes a new program version. */
const diffProgram = (program: LoyaltyProgram, next: OwnValues): Partial<OwnValues> => {
  const body: Partial<OwnValues> = {}
  if (toNumber(program.max_redeem_share) !== next.max_redeem_share) {
    body.max_redeem_share = next.max_redeem_share
  }
  if (!!program.shipping_redeemable !== next.shipping_redeemable) {
    body.shipping_redeemable = next.shipping_redeemable
  }
  return body
}

/** The loyalty program: its name in messages, its fields' id prefix, and its hooks. */
const PROGRAM = { what: "loyalty program", prefix: "loyalty", useQuery: useLoyaltyProgram, useUpdate: useUpdateLoyaltyProgram }

/* ------------------------------------------------------------------ */

const LoyaltySettingsPage = () => <ProgramSettingsPage program={PROGRAM} editor={ProgramEditor} />

const INT_FIELDS: Record<IntField, { label: string; hint?: string }> = {
  pending_days: { label: "Pending days", hint: "Return window: points stay pending this many days." },
  expiry_months: { label: "Expiry (months)", hint: "0 = points never expire." },
  signup_bonus: { label: "Sign-up bonus (points)", hint: "Once per email mailbox: a shopper who registers again with the same email (or a +tag of it) gets none. 0 = no sign-up bonus." },
  min_redeem_points: { label: "Minimum points per redemption" },
  redeem_step: { label: "Redemption step", hint: "Points are redeemed in multiples of this." },
}

const ProgramEditor = ({ data }: { data: AdminLoyaltyProgramResponse }) => {
  const { program } = data
  const storeCodes = useMemo(
    () => new Set(data.store_currencies.map((c) => c.toLowerCase())),
    [data.store_currencies]
  )
  const { field, bindAmount, codes, parsed, intFields, saveBar } = useProgramForm(data, PROGRAM, {
    ints: { rules: INT_RULES, labels: INT_FIELDS },
    amounts: AMOUNT_RULES,
    toForm,
    parse: parseForm,
    diff: diffProgram,
  })

  // The what-if takes the form's unsaved values (those the replay uses); null while the form has errors.
  const proposal = useMemo((): WhatIfBody | null => {
    const { values } = parsed
    if (!values) return null
    const { signup_bonus: _signup, shipping_redeemable: _shipping, ...program } = values
    return { program }
  }, [parsed])

  /** One currency's earn rate or point value; the hint depends on whether it is set. */
  const rateInput = (
    key: "earn_rates" | "point_values",
    code: string,
    { label, testId, placeholder, hint }: { label: string; testId: string; placeholder: string; hint: (filled: boolean) => string }
  ) => {
    const amount = bindAmount(key, code)
    return (
      <NotedInput
        aria-label={label}
        testId={testId}
        number="decimal"
        min={0}
        placeholder={placeholder}
        {...amount}
        hint={hint(!!amount.value.trim())}
      />
    )
  }

  return (
    <ProgramEditorForm
      title="Loyalty program"
      savedAt={program.updated_at ?? program.created_at}
      unsaved="the plugin's default rules"
      {...saveBar}
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
        <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
          <ProgramIntFields {...intFields} fields={["pending_days", "expiry_months", "signup_bonus"]} />
        </div>
      </FormSection>

      <FormSection title="Redemption">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
          <ProgramIntFields {...intFields} fields={["min_redeem_points", "redeem_step"]} />
          <InputField
            {...field("max_redeem_percent")}
            // The wire's name: the form shows a percentage, the program keeps a share.
            testId="loyalty-max-redeem-share"
            label="Maximum share of the cart (%)"
            hint="How much of a cart points may pay, 0–100."
            number="decimal"
            min={0}
            max={100}
          />
        </div>
        <SwitchField
          label="Shipping payable with points"
          hint="When off, points pay only for items."
          {...field("shipping_redeemable")}
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
