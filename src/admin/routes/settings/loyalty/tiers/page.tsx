import {
  Alert,
  Badge,
  Button,
  Container,
  Heading,
  IconButton,
  Input,
  Label,
  Table,
  Text,
  Textarea,
  toast,
} from "@medusajs/ui"
import { ListTable, TableHead } from "../../../../components/table-head"
import { ArrowDownMini, ArrowUpMini } from "@medusajs/icons"
import { useMemo, useState, type FormEvent } from "react"
import { Field, InputField, OptionSelect, optionsOf } from "../../../../components/form-field"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { WhatIfPanel } from "../../../../components/what-if-panel"
import type { WhatIfBody } from "../../../../lib/what-if-api"
import { EmptyRow, QueryState } from "../../../../components/query-state"
import { useLoyaltyProgram } from "../../../../hooks/use-loyalty"
import {
  useCreateLoyaltyTier,
  useCustomerGroupsForTiers,
  useDeleteLoyaltyTier,
  useLoyaltyTierPreview,
  useLoyaltyTiers,
  usePreviewProposedTiers,
  useReorderLoyaltyTiers,
  useUpdateLoyaltyTier,
  useUpdateLoyaltyTierSettings,
} from "../../../../hooks/use-loyalty-tiers"
import { formatPoints } from "../../../../lib/format"
import { useSettingsForm } from "../../../../lib/form"
import { describeReach } from "../../../../lib/tier-format"
import {
  getErrorMessage,
  LOYALTY_TIER_LIMITS,
  type LoyaltyTier,
  type LoyaltyTierBody,
  type LoyaltyTierMetric,
  type LoyaltyTierPreview,
  type LoyaltyTierSettings,
  type LoyaltyTierWindow,
} from "../../../../lib/loyalty-api"

/* ------------------------------------------------------------------ */
/* Settings → Loyalty → Tiers. No `defineRouteConfig`: the dashboard    */
/* does not list nested settings pages; the Loyalty tabs link here.    */
/* ------------------------------------------------------------------ */

const METRIC_LABELS: Record<LoyaltyTierMetric, string> = {
  points: "Points earned",
  spend: "Amount spent",
  orders: "Number of orders",
}

const WINDOW_LABELS: Record<LoyaltyTierWindow, string> = {
  rolling: "Rolling months",
  calendar_year: "Calendar year",
  lifetime: "Lifetime",
}

const LoyaltyTiersPage = () => (
  <div className="flex flex-col gap-y-3">
    <LoyaltySettingsNav />
    <TiersSection />
    <QualificationSection />
  </div>
)

/* ------------------------------------------------------------------ */

const TiersSection = () => {
  const query = useLoyaltyTiers()
  const { data } = query
  const preview = useLoyaltyTierPreview()
  const groups = useCustomerGroupsForTiers()
  const [editing, setEditing] = useState<"new" | string | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const reorder = useReorderLoyaltyTiers()

  const tiers = data?.tiers ?? []
  const groupName = (id: string | null) =>
    id ? groups.data?.customer_groups.find((group) => group.id === id)?.name ?? id : "-"
  const qualifying = (id: string) => preview.data?.preview.tiers.find((row) => row.id === id)?.qualifying

  const move = async (index: number, by: -1 | 1) => {
    const next = [...tiers]
    const [tier] = next.splice(index, 1)
    next.splice(index + by, 0, tier)
    try {
      await reorder.mutateAsync(next)
      toast.success("Tiers reordered")
    } catch (err) {
      toast.error("Could not reorder the tiers", { description: getErrorMessage(err) })
    }
  }

  return (
    <Container className="divide-y p-0">
      <div className="flex items-start justify-between gap-x-4 px-6 py-4">
        <div>
          <Heading level="h1">Membership tiers</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Customers reach a tier when the activity of their released orders reaches its threshold. Thresholds
            must grow with rank. Members are mirrored into the tier&apos;s customer group, so prices, promotions
            and free shipping can target them.
          </Text>
        </div>
        <Button size="small" variant="secondary" onClick={() => setEditing("new")} data-testid="loyalty-tier-create">
          Create tier
        </Button>
      </div>

      {editing && (
        <TierForm
          key={editing}
          tier={editing === "new" ? null : tiers.find((tier) => tier.id === editing) ?? null}
          tiers={tiers}
          onDone={() => setEditing(null)}
        />
      )}

      <QueryState query={query} loading="Loading tiers…" failed="Could not load the tiers">
        {() =>
          tiers.length === 0 ? (
            <EmptyRow testId="loyalty-tiers-empty">No tiers yet. Create the first one.</EmptyRow>
          ) : (
        <ListTable testId="loyalty-tiers-table" columns={["Rank", "Tier", "To reach", "Earns", "Bonus", "Customer group", { label: "Members", right: true }, { label: "Would qualify now", right: true }, ""]}>
              {tiers.map((tier, index) => (
                <Table.Row key={tier.id} data-testid="loyalty-tier-row" data-tier-name={tier.name}>
                  <Table.Cell>{tier.rank}</Table.Cell>
                  <Table.Cell>
                    <Text size="small" weight="plus">
                      {tier.name}
                    </Text>
                    {tier.perks && (
                      <Text size="xsmall" className="text-ui-fg-subtle max-w-[220px] truncate" title={tier.perks}>
                        {tier.perks}
                      </Text>
                    )}
                  </Table.Cell>
                  <Table.Cell className="whitespace-nowrap">{describeReach(tier)}</Table.Cell>
                  <Table.Cell>× {tier.earn_multiplier}</Table.Cell>
                  <Table.Cell>{tier.bonus_points ? formatPoints(tier.bonus_points) : "-"}</Table.Cell>
                  <Table.Cell>{groupName(tier.customer_group_id)}</Table.Cell>
                  <Table.Cell className="text-right" data-testid="loyalty-tier-members">
                    {formatPoints(tier.members ?? 0)}
                  </Table.Cell>
                  <Table.Cell className="text-right" data-testid="loyalty-tier-qualifying">
                    {qualifying(tier.id) === undefined ? "-" : formatPoints(qualifying(tier.id))}
                  </Table.Cell>
                  <Table.Cell>
                    <div className="flex items-center justify-end gap-x-1">
                      <IconButton
                        size="small"
                        variant="transparent"
                        aria-label={`Move ${tier.name} to a lower rank`}
                        disabled={index === 0 || reorder.isPending}
                        onClick={() => move(index, -1)}
                      >
                        <ArrowUpMini />
                      </IconButton>
                      <IconButton
                        size="small"
                        variant="transparent"
                        aria-label={`Move ${tier.name} to a higher rank`}
                        disabled={index === tiers.length - 1 || reorder.isPending}
                        onClick={() => move(index, 1)}
                      >
                        <ArrowDownMini />
                      </IconButton>
                      <Button size="small" variant="transparent" onClick={() => setEditing(tier.id)}>
                        Edit
                      </Button>
                      <Button size="small" variant="transparent" onClick={() => setDeleting(tier.id)}>
                        Delete
                      </Button>
                    </div>
                  </Table.Cell>
                </Table.Row>
              ))}
        </ListTable>
          )
        }
      </QueryState>

      {preview.data && (
        <div className="px-6 py-3">
          <Text size="xsmall" className="text-ui-fg-subtle" data-testid="loyalty-tier-preview-note">
            “Would qualify now” counts the {formatPoints(preview.data.preview.customers_with_activity)} customers
            with activity in the current window; {formatPoints(preview.data.preview.without_tier.qualifying)} of them
            reach no tier. Members include overrides and tiers kept until their period ends.
          </Text>
        </div>
      )}

      {deleting && (
        <DeleteTierPanel
          key={deleting}
          tier={tiers.find((tier) => tier.id === deleting)!}
          others={tiers.filter((tier) => tier.id !== deleting)}
          onDone={() => setDeleting(null)}
        />
      )}
    </Container>
  )
}

/* ------------------------------------------------------------------ */

type TierFormState = {
  name: string
  metric: LoyaltyTierMetric
  threshold: string
  spend: Record<string, string>
  earn_multiplier: string
  bonus_points: string
  perks: string
  customer_group_id: string
}

const NO_GROUP = "__none__"

const toFormState = (tier: LoyaltyTier | null, currencies: string[]): TierFormState => ({
  name: tier?.name ?? "",
  metric: tier?.metric ?? "points",
  threshold: tier?.threshold ? String(tier.threshold) : "",
  spend: Object.fromEntries(
    [...new Set([...currencies, ...Object.keys(tier?.spend_thresholds ?? {})])].map((code) => [
      code,
      tier?.spend_thresholds?.[code] !== undefined ? String(tier.spend_thresholds[code]) : "",
    ])
  ),
  earn_multiplier: String(tier?.earn_multiplier ?? 1),
  bonus_points: String(tier?.bonus_points ?? 0),
  perks: tier?.perks ?? "",
  customer_group_id: tier?.customer_group_id ?? NO_GROUP,
})

type TierFormErrors = Partial<Record<"name" | "threshold" | "spend" | "earn_multiplier" | "bonus_points", string>>

const parseTierForm = (form: TierFormState): { errors: TierFormErrors; body: LoyaltyTierBody | null } => {
  const errors: TierFormErrors = {}
  const name = form.name.trim()
  if (!name) errors.name = "A tier needs a name."
  let threshold: number | null = null
  let spend: Record<string, number> | null = null
  if (form.metric === "spend") {
    spend = {}
    for (const [code, text] of Object.entries(form.spend)) {
      if (!text.trim()) continue
      const value = Number(text)
      if (!Number.isFinite(value) || value <= 0) errors.spend = `Enter an amount above 0 for ${code.toUpperCase()}.`
      else spend[code] = value
    }
    if (!errors.spend && !Object.keys(spend).length) errors.spend = "Enter the amount to spend in at least one currency."
  } else {
    threshold = Number(form.threshold)
    if (!/^\d+$/.test(form.threshold.trim()) || threshold < 1 || threshold > LOYALTY_TIER_LIMITS.max_threshold) {
      errors.threshold = `Enter a whole number of ${form.metric} of 1 or more.`
    }
  }
  const multiplier = Number(form.earn_multiplier)
  if (!Number.isFinite(multiplier) || multiplier < 1 || multiplier > LOYALTY_TIER_LIMITS.max_multiplier) {
    errors.earn_multiplier = `Enter a multiplier from 1 to ${LOYALTY_TIER_LIMITS.max_multiplier}, e.g. 1.5.`
  }
  const bonus = Number(form.bonus_points)
  if (!/^\d+$/.test(form.bonus_points.trim()) || bonus > LOYALTY_TIER_LIMITS.max_bonus_points) {
    errors.bonus_points = "Enter a whole number of points, 0 for none."
  }
  if (Object.keys(errors).length) return { errors, body: null }
  return {
    errors,
    body: {
      name,
      metric: form.metric,
      threshold: form.metric === "spend" ? null : threshold,
      spend_thresholds: spend,
      earn_multiplier: multiplier,
      bonus_points: bonus,
      perks: form.perks.trim() || null,
      customer_group_id: form.customer_group_id === NO_GROUP ? null : form.customer_group_id,
    },
  }
}

/** The saved set with this form's tier in it, as the preview route takes it. */
const proposedSet = (tiers: LoyaltyTier[], tier: LoyaltyTier | null, body: LoyaltyTierBody) => {
  const saved = tiers.map(({ id, name, rank, metric, threshold, spend_thresholds, earn_multiplier, bonus_points }) => ({
    id,
    name,
    rank,
    metric,
    threshold: metric === "spend" ? undefined : threshold,
    spend_thresholds: metric === "spend" ? spend_thresholds : undefined,
    earn_multiplier,
    bonus_points,
  }))
  const spend = body.metric === "spend"
  const edited = {
    ...body,
    threshold: spend ? undefined : body.threshold,
    spend_thresholds: spend ? body.spend_thresholds : undefined,
    // Not needed to count customers; the group is checked when saving.
    perks: undefined,
    customer_group_id: undefined,
  }
  return tier
    ? saved.map((row) => (row.id === tier.id ? { ...edited, id: tier.id, rank: tier.rank } : row))
    : [...saved, { ...edited, rank: Math.max(0, ...tiers.map((row) => row.rank)) + 1 }]
}

const TierForm = ({ tier, tiers, onDone }: { tier: LoyaltyTier | null; tiers: LoyaltyTier[]; onDone: () => void }) => {
  const program = useLoyaltyProgram({ refetchOnWindowFocus: false })
  const groups = useCustomerGroupsForTiers()
  const currencies = useMemo(() => program.data?.store_currencies ?? [], [program.data])
  const initial = useMemo(() => toFormState(tier, currencies), [tier, currencies])
  const { form, setForm, set, bind, errors, setErrors } = useSettingsForm<TierFormState, TierFormErrors>(initial)
  const [serverError, setServerError] = useState<string | null>(null)
  const create = useCreateLoyaltyTier()
  const update = useUpdateLoyaltyTier()
  const previewer = usePreviewProposedTiers()
  const [preview, setPreview] = useState<LoyaltyTierPreview | null>(null)
  const saving = create.isPending || update.isPending

  const onPreview = async () => {
    const parsed = parseTierForm(form)
    setErrors(parsed.errors)
    setServerError(null)
    setPreview(null)
    if (!parsed.body) return
    try {
      setPreview((await previewer.mutateAsync(proposedSet(tiers, tier, parsed.body))).preview)
    } catch (err) {
      setServerError(getErrorMessage(err))
    }
  }

  // The what-if replays the order history with the whole set as it would be; null while the form has errors.
  const whatIfProposal = useMemo((): WhatIfBody | null => {
    const { body } = parseTierForm(form)
    if (!body) return null
    return {
      // The form always fills name, metric and multiplier; the saved tier's stand in for the types.
      tiers: proposedSet(tiers, tier, body).map((row) => ({
        id: "id" in row ? row.id : undefined,
        name: row.name ?? tier?.name ?? "",
        rank: row.rank,
        metric: row.metric ?? tier?.metric ?? "points",
        threshold: row.threshold,
        spend_thresholds: row.spend_thresholds,
        earn_multiplier: row.earn_multiplier ?? tier?.earn_multiplier ?? 1,
      })),
    }
  }, [form, tiers, tier])

  const spendCodes = useMemo(
    () => [...new Set([...currencies, ...Object.keys(form.spend)])],
    [currencies, form.spend]
  )

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const parsed = parseTierForm(form)
    setErrors(parsed.errors)
    setServerError(null)
    if (!parsed.body) return
    try {
      if (tier) await update.mutateAsync({ id: tier.id, body: parsed.body })
      else await create.mutateAsync(parsed.body)
      toast.success(tier ? `Tier ${parsed.body.name} saved` : `Tier ${parsed.body.name} created`)
      onDone()
    } catch (err) {
      setServerError(getErrorMessage(err))
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-y-4 px-6 py-4" data-testid="loyalty-tier-form">
      <Heading level="h2">{tier ? `Edit ${tier.name}` : "New tier"}</Heading>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <InputField
          id="loyalty-tier-name"
          testId="loyalty-tier-name"
          label="Name"
          maxLength={100}
          placeholder="e.g. Gold"
          {...bind("name")}
        />
        <Field id="loyalty-tier-metric" label="Reached by">
          <OptionSelect
            id="loyalty-tier-metric"
            testId="loyalty-tier-metric"
            options={optionsOf(METRIC_LABELS)}
            value={form.metric}
            onChange={(metric) => set("metric", metric)}
          />
        </Field>
        {form.metric === "spend" ? (
          <Field id="loyalty-tier-spend" label="Amount to spend" error={errors.spend} hint="Reached in any one currency; leave a currency empty to skip it.">
            <div className="flex flex-col gap-y-2" id="loyalty-tier-spend">
              {spendCodes.map((code) => (
                <div key={code} className="flex items-center gap-x-2">
                  <Text size="small" className="w-12">
                    {code.toUpperCase()}
                  </Text>
                  <Input
                    size="small"
                    type="number"
                    min={0}
                    step="any"
                    aria-label={`Amount to spend in ${code.toUpperCase()}`}
                    data-testid={`loyalty-tier-spend-${code}`}
                    value={form.spend[code] ?? ""}
                    onChange={(e) => setForm((f) => ({ ...f, spend: { ...f.spend, [code]: e.target.value } }))}
                  />
                </div>
              ))}
            </div>
          </Field>
        ) : (
          <InputField
            id="loyalty-tier-threshold"
            testId="loyalty-tier-threshold"
            label={form.metric === "points" ? "Points to reach" : "Orders to reach"}
            hint="Counted in the qualification window, from orders past their return window."
            number="int"
            min={1}
            {...bind("threshold")}
          />
        )}
        <InputField
          id="loyalty-tier-multiplier"
          testId="loyalty-tier-multiplier"
          label="Earn multiplier"
          hint="Members earn this many times the points, e.g. 1.5."
          number="decimal"
          min={1}
          max={LOYALTY_TIER_LIMITS.max_multiplier}
          step="0.05"
          {...bind("earn_multiplier")}
        />
        <InputField
          id="loyalty-tier-bonus"
          testId="loyalty-tier-bonus"
          label="Bonus on reaching it"
          hint="Points credited once per customer, the first time they reach it."
          number="int"
          min={0}
          {...bind("bonus_points")}
        />
        <Field id="loyalty-tier-group" label="Customer group" hint="Members are kept in this group; use it in price lists and promotions.">
          <OptionSelect
            id="loyalty-tier-group"
            testId="loyalty-tier-group"
            options={[
              [NO_GROUP, "No group"],
              ...(groups.data?.customer_groups ?? []).map((group) => [group.id, group.name] as const),
            ]}
            value={form.customer_group_id}
            onChange={(value) => set("customer_group_id", value)}
          />
        </Field>
      </div>
      <Field id="loyalty-tier-perks" label="Perks" hint="Shown to shoppers in the program.">
        <Textarea
          id="loyalty-tier-perks"
          data-testid="loyalty-tier-perks"
          value={form.perks}
          maxLength={2000}
          placeholder="e.g. Free shipping, early access to sales"
          onChange={(e) => set("perks", e.target.value)}
        />
      </Field>
      {serverError && (
        <Alert variant="error" data-testid="loyalty-tier-form-error">
          {serverError}
        </Alert>
      )}
      {preview && (
        <Alert variant="info" data-testid="loyalty-tier-form-preview">
          With this change, customers would be in:{" "}
          {preview.tiers.map((row) => `${row.name} ${formatPoints(row.qualifying)}`).join(", ")}; no tier{" "}
          {formatPoints(preview.without_tier.qualifying)} (of {formatPoints(preview.customers_with_activity)} with
          activity now).
        </Alert>
      )}
      <div className="-mx-6 border-t">
        <WhatIfPanel proposal={whatIfProposal} disabledReason="Fix the form's errors first." />
      </div>
      <div className="flex justify-end gap-x-2">
        <Button size="small" variant="secondary" type="button" onClick={onDone} disabled={saving}>
          Cancel
        </Button>
        <Button size="small" variant="secondary" type="button" onClick={onPreview} isLoading={previewer.isPending} data-testid="loyalty-tier-preview">
          Preview
        </Button>
        <Button size="small" type="submit" isLoading={saving} data-testid="loyalty-tier-save">
          {tier ? "Save tier" : "Create tier"}
        </Button>
      </div>
    </form>
  )
}

/* ------------------------------------------------------------------ */

const NO_TIER = "none"

const DeleteTierPanel = ({ tier, others, onDone }: { tier: LoyaltyTier; others: LoyaltyTier[]; onDone: () => void }) => {
  const members = tier.members ?? 0
  const [moveTo, setMoveTo] = useState<string>(others[others.length - 1]?.id ?? NO_TIER)
  const remove = useDeleteLoyaltyTier()

  const onDelete = async () => {
    try {
      const result = await remove.mutateAsync({ id: tier.id, moveTo: members > 0 ? moveTo : undefined })
      toast.success(`Tier ${tier.name} deleted`, {
        description: result.moved ? `${result.moved} member${result.moved === 1 ? "" : "s"} moved` : undefined,
      })
      onDone()
    } catch (err) {
      toast.error(`Could not delete ${tier.name}`, { description: getErrorMessage(err) })
    }
  }

  return (
    <div className="flex flex-col gap-y-3 px-6 py-4" data-testid="loyalty-tier-delete">
      <Text size="small" weight="plus">
        Delete {tier.name}?
      </Text>
      {members > 0 ? (
        <>
          <Text size="small" className="text-ui-fg-subtle">
            {tier.name} has {formatPoints(members)} member{members === 1 ? "" : "s"}. They keep their period and move to:
          </Text>
          <OptionSelect
            className="max-w-xs"
            testId="loyalty-tier-move-to"
            options={[...others.map((other) => [other.id, other.name] as const), [NO_TIER, "No tier"]]}
            value={moveTo}
            onChange={setMoveTo}
          />
        </>
      ) : (
        <Text size="small" className="text-ui-fg-subtle">
          Nobody is in this tier. History keeps its name.
        </Text>
      )}
      <div className="flex gap-x-2">
        <Button size="small" variant="secondary" onClick={onDone} disabled={remove.isPending}>
          Cancel
        </Button>
        <Button size="small" variant="danger" onClick={onDelete} isLoading={remove.isPending} data-testid="loyalty-tier-delete-confirm">
          {members > 0 ? "Move members and delete" : "Delete tier"}
        </Button>
      </div>
    </div>
  )
}

/* ------------------------------------------------------------------ */

const QualificationSection = () => {
  const { data } = useLoyaltyTiers()
  return data ? <QualificationForm key={JSON.stringify(data.settings)} settings={data.settings} /> : null
}

const QualificationForm = ({ settings }: { settings: LoyaltyTierSettings }) => {
  const [windowType, setWindowType] = useState<LoyaltyTierWindow>(settings.window)
  const [months, setMonths] = useState(String(settings.window_months))
  const [grace, setGrace] = useState(String(settings.grace_days))
  const [errors, setErrors] = useState<{ months?: string; grace?: string }>({})
  const save = useUpdateLoyaltyTierSettings()

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const next: { months?: string; grace?: string } = {}
    const m = Number(months)
    const g = Number(grace)
    if (!/^\d+$/.test(months) || m < 1 || m > LOYALTY_TIER_LIMITS.max_window_months) {
      next.months = `Enter 1 to ${LOYALTY_TIER_LIMITS.max_window_months} months.`
    }
    if (!/^\d+$/.test(grace) || g > LOYALTY_TIER_LIMITS.max_grace_days) {
      next.grace = `Enter 0 to ${LOYALTY_TIER_LIMITS.max_grace_days} days.`
    }
    setErrors(next)
    if (Object.keys(next).length) return
    try {
      const result = await save.mutateAsync({ window: windowType, window_months: m, grace_days: g })
      toast.success("Qualification saved", { description: result.description })
    } catch (err) {
      toast.error("Could not save the qualification", { description: getErrorMessage(err) })
    }
  }

  return (
    <Container className="p-0">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-y-4 px-6 py-4" data-testid="loyalty-tier-settings">
        <div>
          <Heading level="h2">Qualification</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Upgrades happen as soon as a threshold is reached. Downgrades wait for the end of the period, plus the
            grace days, and go to the tier the period&apos;s activity still reaches.
          </Text>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
          <Field id="loyalty-tier-window" label="Window">
            <OptionSelect id="loyalty-tier-window" options={optionsOf(WINDOW_LABELS)} value={windowType} onChange={(value) => setWindowType(value)} />
          </Field>
          {windowType === "rolling" && (
            <Field id="loyalty-tier-months" label="Months" error={errors.months} hint="Activity of the last N months counts; a tier is kept N months.">
              <Input id="loyalty-tier-months" type="number" min={1} step={1} value={months} onChange={(e) => setMonths(e.target.value)} />
            </Field>
          )}
          <Field id="loyalty-tier-grace" label="Grace days" error={errors.grace} hint="Extra days before a downgrade.">
            <Input id="loyalty-tier-grace" type="number" min={0} step={1} value={grace} onChange={(e) => setGrace(e.target.value)} />
          </Field>
        </div>
        <div className="flex items-center justify-between">
          <Badge size="2xsmall" color="grey">
            {windowType === "lifetime"
              ? "Tiers are kept for good"
              : windowType === "calendar_year"
                ? "Reached this year → kept through next year"
                : `Kept ${months || "?"} months from when reached`}
          </Badge>
          <Button size="small" type="submit" isLoading={save.isPending}>
            Save qualification
          </Button>
        </div>
      </form>
    </Container>
  )
}

export default LoyaltyTiersPage
