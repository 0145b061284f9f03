import { Plus, XMarkMini } from "@medusajs/icons"
import { Button, Drawer, IconButton, Input, Textarea, toast } from "@medusajs/ui"
import { useMemo, type FormEvent } from "react"
import {
  DateTimeInput,
  DrawerFormFooter,
  Field,
  InputField,
  OptionSelect,
  SelectField,
  SwitchField,
  optionsOf,
} from "../../../../components/form-field"
import { RouteFormDrawer, useCloseRoute } from "../../../../components/route-drawer"
import {
  useCreateLoyaltyReward,
  useLoyaltyProgram,
  useLoyaltyRewards,
  useUpdateLoyaltyReward,
} from "../../../../hooks/use-loyalty"
import { REWARD_KIND_LABELS, toNumber } from "../../../../lib/format"
import { DECIMAL_RE, INT_RE, unlessErrors, useSettingsForm, type IntRule } from "../../../../lib/form"
import { Limits } from "../../../../../lib/shared/vocabulary"
import {
  getErrorMessage,
  type LoyaltyReward,
  type LoyaltyRewardBody,
  type LoyaltyRewardKind,
} from "../../../../lib/loyalty-api"

/*
 * The reward form, in a drawer that is a route of its own: `@create/page.tsx`
 * (/settings/loyalty/rewards/create) and `@[id]/edit/page.tsx`
 * (/settings/loyalty/rewards/:id/edit), drawn over the rewards list's <Outlet />.
 */

/* ------------------------------------------------------------------ */
/* Form model: inputs kept as typed text, parsed on save.              */
/* ------------------------------------------------------------------ */

type AmountRow = { currency: string; amount: string }

type RewardForm = {
  name: string
  description: string
  kind: LoyaltyRewardKind
  amounts: AmountRow[]
  percentage: string
  points_cost: string
  starts_at: Date | null
  ends_at: Date | null
  /** Empty = unlimited. */
  per_customer_limit: string
  valid_days: string
  refund_on_expiry: boolean
  is_active: boolean
}

type FormErrors = Partial<
  Record<
    | "name"
    | "description"
    | "amounts"
    | "percentage"
    | "points_cost"
    | "ends_at"
    | "per_customer_limit"
    | "valid_days",
    string
  >
>

const toDate = (iso: string | null) => (iso ? new Date(iso) : null)

const toForm = (reward: LoyaltyReward | null, currencies: string[]): RewardForm => ({
  name: reward?.name ?? "",
  description: reward?.description ?? "",
  kind: reward?.kind ?? "fixed_amount",
  amounts: reward?.amounts
    ? Object.entries(reward.amounts).map(([currency, n]) => ({
        currency: currency.toLowerCase(),
        amount: String(toNumber(n)),
      }))
    : currencies.slice(0, 1).map((currency) => ({ currency, amount: "" })),
  percentage: reward?.percentage != null ? String(toNumber(reward.percentage)) : "",
  points_cost: reward ? String(toNumber(reward.points_cost)) : "",
  starts_at: toDate(reward?.starts_at ?? null),
  ends_at: toDate(reward?.ends_at ?? null),
  per_customer_limit:
    reward?.per_customer_limit != null ? String(reward.per_customer_limit) : "",
  valid_days: String(reward ? toNumber(reward.valid_days) : 30),
  refund_on_expiry: reward?.refund_on_expiry ?? false,
  is_active: reward?.is_active ?? true,
})


/** An integer within `rule`'s bounds, or an error message. */
const parseIntIn = (text: string, { min, max }: IntRule) => {
  const t = text.trim()
  const n = Number(t)
  return INT_RE.test(t) && Number.isSafeInteger(n) && n >= min && n <= max
    ? n
    : `Enter a whole number from ${min} to ${max.toLocaleString("en-US")}.`
}

/** The server validator's bounds; the server stays the judge. */
const LIMITS = Limits.reward

const parseForm = (
  form: RewardForm
): { errors: FormErrors; body: LoyaltyRewardBody | null } => {
  const errors: FormErrors = {}
  const name = form.name.trim()
  if (!name) errors.name = "A name is required."
  else if (name.length > LIMITS.name_length) errors.name = `At most ${LIMITS.name_length} characters.`
  if (form.description.length > LIMITS.description_length) {
    errors.description = `At most ${LIMITS.description_length} characters.`
  }

  let amounts: Record<string, number> | null = null
  if (form.kind === "fixed_amount") {
    amounts = {}
    for (const row of form.amounts) {
      const t = row.amount.trim()
      const n = Number(t)
      if (!row.currency || !DECIMAL_RE.test(t) || !(n > 0) || n > 1_000_000) {
        errors.amounts = "Each amount must be a number above 0 (at most 1,000,000)."
      } else amounts[row.currency] = n
    }
    if (!form.amounts.length) errors.amounts = "Add an amount for at least one currency."
  }

  let percentage: number | null = null
  if (form.kind === "percentage") {
    const t = form.percentage.trim()
    const n = Number(t)
    if (!DECIMAL_RE.test(t) || !(n > 0) || n > 100) {
      errors.percentage = "Enter a percentage above 0, at most 100."
    } else percentage = n
  }

  const points = parseIntIn(form.points_cost, LIMITS.points_cost)
  if (typeof points === "string") errors.points_cost = points
  const validDays = parseIntIn(form.valid_days, LIMITS.valid_days)
  if (typeof validDays === "string") errors.valid_days = validDays
  const limit = form.per_customer_limit.trim()
    ? parseIntIn(form.per_customer_limit, LIMITS.per_customer_limit)
    : null
  if (typeof limit === "string") errors.per_customer_limit = limit
  if (form.starts_at && form.ends_at && form.ends_at <= form.starts_at) {
    errors.ends_at = "Must be after the start."
  }

  return {
    errors,
    body: unlessErrors(errors, () => ({
      name,
      description: form.description.trim() || null,
      kind: form.kind,
      // null (not omitted) clears the other kinds' fields on an update.
      amounts,
      percentage,
      points_cost: points as number,
      starts_at: form.starts_at?.toISOString() ?? null,
      ends_at: form.ends_at?.toISOString() ?? null,
      per_customer_limit: limit as number | null,
      valid_days: validDays as number,
      refund_on_expiry: form.refund_on_expiry,
      is_active: form.is_active,
    })),
  }
}

/** Create (reward = null) or edit form, inside the drawer. */
const RewardFormBody = ({
  reward,
  storeCurrencies,
}: {
  reward: LoyaltyReward | null
  storeCurrencies: string[]
}) => {
  const onDone = useCloseRoute()
  const initial = useMemo(() => toForm(reward, storeCurrencies), [reward, storeCurrencies])
  const { form, set, bind, errors, setErrors } = useSettingsForm<RewardForm, FormErrors>(initial)
  const create = useCreateLoyaltyReward()
  const update = useUpdateLoyaltyReward(reward?.id ?? "")
  const isPending = create.isPending || update.isPending

  // Store currencies, plus any the reward already has.
  const currencies = Array.from(
    new Set([...storeCurrencies, ...form.amounts.map((r) => r.currency).filter(Boolean)])
  )
  const unused = currencies.filter((c) => !form.amounts.some((r) => r.currency === c))

  const setRow = (i: number, row: Partial<AmountRow>) =>
    set("amounts", form.amounts.map((r, j) => (j === i ? { ...r, ...row } : r)))

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const parsed = parseForm(form)
    setErrors(parsed.errors)
    if (!parsed.body) {
      toast.error("Please fix the highlighted fields")
      return
    }
    try {
      const res = reward
        ? await update.mutateAsync(parsed.body)
        : await create.mutateAsync(parsed.body)
      toast.success(reward ? "Reward saved" : "Reward created", {
        description: res.reward.name,
      })
      onDone()
    } catch (err) {
      toast.error("Could not save the reward", { description: getErrorMessage(err) })
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-1 flex-col overflow-hidden">
      <Drawer.Header>
        <Drawer.Title>{reward ? "Edit reward" : "Create reward"}</Drawer.Title>
        <Drawer.Description className="sr-only">
          A coupon customers buy with points.
        </Drawer.Description>
      </Drawer.Header>
      <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
        <InputField id="loyalty-reward-name" label="Name" maxLength={LIMITS.name_length} {...bind("name")} />
        <Field id="loyalty-reward-description" label="Description (optional)" error={errors.description}>
          <Textarea
            id="loyalty-reward-description"
            data-testid="loyalty-reward-description"
            maxLength={LIMITS.description_length}
            value={form.description}
            onChange={(e) => set("description", e.target.value)}
          />
        </Field>
        <SelectField
          label="Kind"
          testId="loyalty-reward-kind"
          aria-label="Kind"
          options={optionsOf(REWARD_KIND_LABELS)}
          {...bind("kind")}
        />

        {form.kind === "fixed_amount" && (
          <Field label="Amount off per currency" error={errors.amounts} hint="The customer picks a currency when buying.">
            <div className="flex flex-col gap-y-2" data-testid="loyalty-reward-amounts">
              {form.amounts.map((row, i) => (
                <div key={i} className="grid grid-cols-[110px_1fr_28px] items-center gap-x-2">
                  <OptionSelect
                    testId={`loyalty-reward-currency-${i}`}
                    aria-label="Currency"
                    placeholder="Currency"
                    options={[row.currency, ...unused].filter(Boolean).map((c) => [c, c.toUpperCase()] as const)}
                    value={row.currency}
                    onChange={(currency) => setRow(i, { currency })}
                  />
                  <Input
                    data-testid={`loyalty-reward-amount-${i}`}
                    aria-label={`Amount in ${row.currency.toUpperCase()}`}
                    type="number"
                    inputMode="decimal"
                    min={0}
                    step="any"
                    placeholder="e.g. 5"
                    value={row.amount}
                    onChange={(e) => setRow(i, { amount: e.target.value })}
                  />
                  <IconButton
                    type="button"
                    size="small"
                    variant="transparent"
                    aria-label="Remove currency"
                    onClick={() => set("amounts", form.amounts.filter((_, j) => j !== i))}
                  >
                    <XMarkMini />
                  </IconButton>
                </div>
              ))}
              <Button
                type="button"
                size="small"
                variant="secondary"
                className="self-start"
                data-testid="loyalty-reward-add-amount"
                disabled={!unused.length}
                onClick={() => set("amounts", [...form.amounts, { currency: unused[0], amount: "" }])}
              >
                <Plus /> Add currency
              </Button>
            </div>
          </Field>
        )}

        {form.kind === "percentage" && (
          <InputField
            id="loyalty-reward-percentage"
            label="Percentage off items"
            number="decimal"
            min={0}
            max={100}
            placeholder="e.g. 10"
            {...bind("percentage")}
          />
        )}

        <div className="grid grid-cols-2 gap-4">
          <InputField id="loyalty-reward-points-cost" label="Points cost" number="int" min={1} {...bind("points_cost")} />
          <InputField id="loyalty-reward-valid-days" label="Coupon valid (days)" number="int" min={1} {...bind("valid_days")} />
          <Field label="Starts at" hint="Empty = available now.">
            <DateTimeInput testId="loyalty-reward-starts-at" {...bind("starts_at")} />
          </Field>
          <Field label="Ends at" hint="Empty = no end." error={errors.ends_at}>
            <DateTimeInput testId="loyalty-reward-ends-at" {...bind("ends_at")} />
          </Field>
          <InputField
            id="loyalty-reward-per-customer-limit"
            label="Per-customer limit"
            hint="Empty = unlimited."
            number="int"
            min={1}
            placeholder="Unlimited"
            {...bind("per_customer_limit")}
          />
        </div>

        <SwitchField
          id="loyalty-reward-refund-on-expiry"
          label="Refund points on expiry"
          hint="An unused coupon gives its points back when it expires."
          {...bind("refund_on_expiry")}
        />
        <SwitchField id="loyalty-reward-active" label="Active" hint="Only active rewards can be bought." {...bind("is_active")} />
      </Drawer.Body>
      <DrawerFormFooter isPending={isPending} saveTestId="loyalty-reward-save" />
    </form>
  )
}


/**
 * The reward form's drawer: the route's reward (from the rewards list), or a
 * new one, whose first amount row starts with a store currency.
 */
export const RewardFormDrawer = () => {
  const query = useLoyaltyRewards()
  // The form starts from the store's currencies, so it waits for them (the list page loads them up front).
  const program = useLoyaltyProgram()
  const { data: programData } = program
  const storeCurrencies = useMemo(
    () => (programData?.store_currencies ?? []).map((c) => c.toLowerCase()),
    [programData]
  )
  return (
    <RouteFormDrawer
      query={{ ...query, isPending: query.isPending || program.isPending }}
      noun="reward"
      form={(reward) => <RewardFormBody key={reward?.id ?? "new"} reward={reward} storeCurrencies={storeCurrencies} />}
    />
  )
}
