import { PencilSquare, Plus, Trash, XMarkMini } from "@medusajs/icons"
import {
  Badge,
  Button,
  Container,
  Drawer,
  Heading,
  IconButton,
  Input,
  Table,
  Text,
  Textarea,
  toast,
  usePrompt,
} from "@medusajs/ui"
import { ListTable, TableHead } from "../../../../components/table-head"
import { useMemo, useState, type FormEvent } from "react"
import {
  DateTimeInput,
  DrawerFormFooter,
  Field,
  InputField,
  OptionSelect,
  SwitchField,
  optionsOf,
} from "../../../../components/form-field"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { EmptyRow, QueryState } from "../../../../components/query-state"
import {
  useCreateLoyaltyReward,
  useDeleteLoyaltyReward,
  useLoyaltyProgram,
  useLoyaltyRewards,
  useUpdateLoyaltyReward,
} from "../../../../hooks/use-loyalty"
import {
  REWARD_KIND_LABELS,
  formatPoints,
  formatRewardValue,
  formatWindow,
  toNumber,
  type BadgeColor,
} from "../../../../lib/format"
import { DECIMAL_RE, INT_RE, useSettingsForm } from "../../../../lib/form"
import {
  getErrorMessage,
  type LoyaltyReward,
  type LoyaltyRewardBody,
  type LoyaltyRewardKind,
} from "../../../../lib/loyalty-api"

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


/** An integer in [min, max], or an error message. */
const parseIntIn = (text: string, min: number, max: number) => {
  const t = text.trim()
  const n = Number(t)
  return INT_RE.test(t) && Number.isSafeInteger(n) && n >= min && n <= max
    ? n
    : `Enter a whole number from ${min} to ${max.toLocaleString("en-US")}.`
}

/** Bounds mirrored from the server's validator; the server stays the judge. */
const parseForm = (
  form: RewardForm
): { errors: FormErrors; body: LoyaltyRewardBody | null } => {
  const errors: FormErrors = {}
  const name = form.name.trim()
  if (!name) errors.name = "A name is required."
  else if (name.length > 200) errors.name = "At most 200 characters."
  if (form.description.length > 2000) errors.description = "At most 2000 characters."

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

  const points = parseIntIn(form.points_cost, 1, 100_000_000)
  if (typeof points === "string") errors.points_cost = points
  const validDays = parseIntIn(form.valid_days, 1, 3650)
  if (typeof validDays === "string") errors.valid_days = validDays
  const limit = form.per_customer_limit.trim()
    ? parseIntIn(form.per_customer_limit, 1, 1000)
    : null
  if (typeof limit === "string") errors.per_customer_limit = limit
  if (form.starts_at && form.ends_at && form.ends_at <= form.starts_at) {
    errors.ends_at = "Must be after the start."
  }

  if (Object.keys(errors).length) return { errors, body: null }
  return {
    errors,
    body: {
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
    },
  }
}

const rewardStatus = (r: LoyaltyReward): [string, BadgeColor] => {
  const now = Date.now()
  if (!r.is_active) return ["Inactive", "grey"]
  if (r.starts_at && new Date(r.starts_at).getTime() > now) return ["Scheduled", "blue"]
  if (r.ends_at && new Date(r.ends_at).getTime() <= now) return ["Ended", "orange"]
  return ["Active", "green"]
}

/* ------------------------------------------------------------------ */

const LoyaltyRewardsPage = () => {
  const query = useLoyaltyRewards()
  // Loaded up front so a new reward's form starts with a store currency.
  const { data: programData } = useLoyaltyProgram()
  const storeCurrencies = useMemo(
    () => (programData?.store_currencies ?? []).map((c) => c.toLowerCase()),
    [programData]
  )
  const [drawer, setDrawer] = useState<{ open: boolean; reward: LoyaltyReward | null }>({
    open: false,
    reward: null,
  })
  const prompt = usePrompt()
  const { mutateAsync: deleteReward } = useDeleteLoyaltyReward()

  const onDelete = async (reward: LoyaltyReward) => {
    const confirmed = await prompt({
      title: `Delete "${reward.name}"?`,
      description:
        "Customers can no longer buy this reward. Coupons already bought stay valid.",
      confirmText: "Delete",
      cancelText: "Cancel",
    })
    if (!confirmed) return
    try {
      await deleteReward(reward.id)
      toast.success("Reward deleted", { description: reward.name })
    } catch (err) {
      toast.error("Could not delete the reward", { description: getErrorMessage(err) })
    }
  }

  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      <Container className="divide-y p-0">
        <div className="flex items-start justify-between gap-x-4 px-6 py-4">
          <div>
            <Heading level="h1">Rewards</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              Coupons customers buy with their points.
            </Text>
          </div>
          <Button
            size="small"
            variant="secondary"
            data-testid="loyalty-reward-create"
            onClick={() => setDrawer({ open: true, reward: null })}
          >
            Create reward
          </Button>
        </div>
        <QueryState query={query} loading="Loading rewards…" failed="Could not load the rewards">
          {(data) =>
            data.rewards.length === 0 ? (
              <EmptyRow testId="loyalty-rewards-empty">
                No rewards yet. Create one to let customers spend points on coupons.
              </EmptyRow>
            ) : (
          <ListTable testId="loyalty-rewards-table" columns={["Name", "Kind", "Value", { label: "Points cost", right: true }, "Availability", "Per customer", { label: "Coupons issued", right: true }, "Status", ""]}>
                {data.rewards.map((reward) => {
                  const [status, color] = rewardStatus(reward)
                  return (
                    <Table.Row
                      key={reward.id}
                      data-testid="loyalty-reward-row"
                      data-reward-id={reward.id}
                    >
                      <Table.Cell className="max-w-[200px] truncate" title={reward.description ?? reward.name}>
                        {reward.name}
                      </Table.Cell>
                      <Table.Cell className="whitespace-nowrap">
                        {REWARD_KIND_LABELS[reward.kind] ?? reward.kind}
                      </Table.Cell>
                      <Table.Cell className="whitespace-nowrap">{formatRewardValue(reward)}</Table.Cell>
                      <Table.Cell className="text-right">{formatPoints(reward.points_cost)}</Table.Cell>
                      <Table.Cell className="whitespace-nowrap">
                        {formatWindow(reward.starts_at, reward.ends_at)}
                      </Table.Cell>
                      <Table.Cell>
                        {reward.per_customer_limit == null ? "Unlimited" : formatPoints(reward.per_customer_limit)}
                      </Table.Cell>
                      <Table.Cell className="text-right">{formatPoints(reward.coupons_issued)}</Table.Cell>
                      <Table.Cell>
                        <Badge size="2xsmall" color={color}>
                          {status}
                        </Badge>
                      </Table.Cell>
                      <Table.Cell>
                        <div className="flex justify-end gap-x-1">
                          <IconButton
                            size="small"
                            variant="transparent"
                            aria-label={`Edit ${reward.name}`}
                            data-testid="loyalty-reward-edit"
                            onClick={() => setDrawer({ open: true, reward })}
                          >
                            <PencilSquare />
                          </IconButton>
                          <IconButton
                            size="small"
                            variant="transparent"
                            aria-label={`Delete ${reward.name}`}
                            data-testid="loyalty-reward-delete"
                            onClick={() => onDelete(reward)}
                          >
                            <Trash />
                          </IconButton>
                        </div>
                      </Table.Cell>
                    </Table.Row>
                  )
                })}
          </ListTable>
            )
          }
        </QueryState>
      </Container>
      <Drawer open={drawer.open} onOpenChange={(open) => setDrawer((d) => ({ ...d, open }))}>
        <Drawer.Content>
          {/* Closed content unmounts, so every opening starts from the reward. */}
          <RewardFormBody
            key={drawer.reward?.id ?? "new"}
            reward={drawer.reward}
            storeCurrencies={storeCurrencies}
            onDone={() => setDrawer((d) => ({ ...d, open: false }))}
          />
        </Drawer.Content>
      </Drawer>
    </div>
  )
}

/** Create (reward = null) or edit form, inside the drawer. */
const RewardFormBody = ({
  reward,
  storeCurrencies,
  onDone,
}: {
  reward: LoyaltyReward | null
  storeCurrencies: string[]
  onDone: () => void
}) => {
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
        <InputField id="reward-name" testId="loyalty-reward-name" label="Name" maxLength={200} {...bind("name")} />
        <Field id="reward-description" label="Description (optional)" error={errors.description}>
          <Textarea
            id="reward-description"
            data-testid="loyalty-reward-description"
            maxLength={2000}
            value={form.description}
            onChange={(e) => set("description", e.target.value)}
          />
        </Field>
        <Field label="Kind">
          <OptionSelect
            testId="loyalty-reward-kind"
            aria-label="Kind"
            options={optionsOf(REWARD_KIND_LABELS)}
            value={form.kind}
            onChange={(kind) => set("kind", kind)}
          />
        </Field>

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
            id="reward-percentage"
            testId="loyalty-reward-percentage"
            label="Percentage off items"
            number="decimal"
            min={0}
            max={100}
            placeholder="e.g. 10"
            {...bind("percentage")}
          />
        )}

        <div className="grid grid-cols-2 gap-4">
          <InputField
            id="reward-points-cost"
            testId="loyalty-reward-points-cost"
            label="Points cost"
            number="int"
            min={1}
            {...bind("points_cost")}
          />
          <InputField
            id="reward-valid-days"
            testId="loyalty-reward-valid-days"
            label="Coupon valid (days)"
            number="int"
            min={1}
            {...bind("valid_days")}
          />
          <Field label="Starts at" hint="Empty = available now.">
            <DateTimeInput testId="loyalty-reward-starts-at" value={form.starts_at} onChange={(d) => set("starts_at", d)} />
          </Field>
          <Field label="Ends at" hint="Empty = no end." error={errors.ends_at}>
            <DateTimeInput testId="loyalty-reward-ends-at" value={form.ends_at} onChange={(d) => set("ends_at", d)} />
          </Field>
          <InputField
            id="reward-limit"
            testId="loyalty-reward-per-customer-limit"
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
          checked={form.refund_on_expiry}
          onChange={(v) => set("refund_on_expiry", v)}
        />
        <SwitchField
          id="loyalty-reward-active"
          label="Active"
          hint="Only active rewards can be bought."
          checked={form.is_active}
          onChange={(v) => set("is_active", v)}
        />
      </Drawer.Body>
      <DrawerFormFooter isPending={isPending} saveTestId="loyalty-reward-save" />
    </form>
  )
}

/** Breadcrumb only: nested settings routes stay out of the sidebar (no `config`). */
export const handle = {
  breadcrumb: () => "Rewards",
}

export default LoyaltyRewardsPage
