import { Alert, Button, Drawer, Input, Text, Textarea, toast } from "@medusajs/ui"
import { useMemo, useState, type FormEvent } from "react"
import { DrawerFormFooter, Field, InputField, SelectField, optionsOf } from "../../../../components/form-field"
import { RouteFormDrawer, useCloseRoute } from "../../../../components/route-drawer"
import { WhatIfPanel } from "../../../../components/what-if-panel"
import type { WhatIfBody } from "../../../../lib/what-if-api"
import { useLoyaltyProgram } from "../../../../hooks/use-loyalty"
import {
  useCreateLoyaltyTier,
  useCustomerGroupsForTiers,
  useLoyaltyTiers,
  usePreviewProposedTiers,
  useUpdateLoyaltyTier,
} from "../../../../hooks/use-loyalty-tiers"
import { formatPoints } from "../../../../lib/format"
import { unlessErrors, useSettingsForm } from "../../../../lib/form"
import {
  getErrorMessage,
  LOYALTY_TIER_LIMITS,
  type LoyaltyTier,
  type LoyaltyTierBody,
  type LoyaltyTierMetric,
  type LoyaltyTierPreview,
} from "../../../../lib/loyalty-api"

/*
 * The tier form, shown in a drawer that is a route of its own:
 * `@create/page.tsx` (/settings/loyalty/tiers/create) and
 * `@[id]/edit/page.tsx` (/settings/loyalty/tiers/:id/edit), drawn over the
 * tiers list's <Outlet />.
 */

export const METRIC_LABELS: Record<LoyaltyTierMetric, string> = {
  points: "Points earned",
  spend: "Amount spent",
  orders: "Number of orders",
}

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
  return {
    errors,
    body: unlessErrors(errors, () => ({
      name,
      metric: form.metric,
      threshold: form.metric === "spend" ? null : threshold,
      spend_thresholds: spend,
      earn_multiplier: multiplier,
      bonus_points: bonus,
      perks: form.perks.trim() || null,
      customer_group_id: form.customer_group_id === NO_GROUP ? null : form.customer_group_id,
    })),
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

/**
 * What reaching a tier takes: for a spend tier an amount per currency (any one
 * reached is enough; the store's currencies, then any other the tier names),
 * else a count of points or of orders.
 */
const TierReach = ({
  state: { form, setForm, bind, errors },
  currencies,
}: {
  state: ReturnType<typeof useSettingsForm<TierFormState, TierFormErrors>>
  currencies: string[]
}) => {
  const spendCodes = useMemo(
    () => [...new Set([...currencies, ...Object.keys(form.spend)])],
    [currencies, form.spend]
  )
  return form.metric === "spend" ? (
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
      label={form.metric === "points" ? "Points to reach" : "Orders to reach"}
      hint="Counted in the qualification window, from orders past their return window."
      number="int"
      min={1}
      {...bind("threshold")}
    />
  )
}

const TierForm = ({ tier, tiers }: { tier: LoyaltyTier | null; tiers: LoyaltyTier[] }) => {
  const onDone = useCloseRoute()
  const program = useLoyaltyProgram({ refetchOnWindowFocus: false })
  const groups = useCustomerGroupsForTiers()
  const currencies = useMemo(() => program.data?.store_currencies ?? [], [program.data])
  const initial = useMemo(() => toFormState(tier, currencies), [tier, currencies])
  const state = useSettingsForm<TierFormState, TierFormErrors>(initial)
  const { form, set, bind, setErrors } = state
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
    <form onSubmit={onSubmit} noValidate className="flex flex-1 flex-col overflow-hidden" data-testid="loyalty-tier-form">
      <Drawer.Header>
        <Drawer.Title>{tier ? `Edit ${tier.name}` : "New tier"}</Drawer.Title>
      </Drawer.Header>
      <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <InputField id="loyalty-tier-name" label="Name" maxLength={100} placeholder="e.g. Gold" {...bind("name")} />
          <SelectField id="loyalty-tier-metric" label="Reached by" options={optionsOf(METRIC_LABELS)} {...bind("metric")} />
          <TierReach state={state} currencies={currencies} />
          <InputField
            id="loyalty-tier-multiplier"
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
            label="Bonus on reaching it"
            hint="Points credited once per customer, the first time they reach it or pass it on the way up."
            number="int"
            min={0}
            {...bind("bonus_points")}
          />
          <SelectField
            id="loyalty-tier-group"
            label="Customer group"
            hint="Members are kept in this group; use it in price lists and promotions."
            options={[
              [NO_GROUP, "No group"],
              ...(groups.data?.customer_groups ?? []).map((group) => [group.id, group.name] as const),
            ]}
            {...bind("customer_group_id")}
          />
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
      </Drawer.Body>
      <DrawerFormFooter isPending={saving} saveTestId="loyalty-tier-save" saveLabel={tier ? "Save tier" : "Create tier"}>
        <Button size="small" variant="secondary" type="button" onClick={onPreview} isLoading={previewer.isPending} data-testid="loyalty-tier-preview">
          Preview
        </Button>
      </DrawerFormFooter>
    </form>
  )
}


/**
 * The tier form's drawer: the saved tiers (the form previews the whole set
 * with its change), then the form for the route's tier, or a new one.
 */
export const TierFormDrawer = () => (
  <RouteFormDrawer
    query={useLoyaltyTiers()}
    noun="tier"
    form={(tier, { tiers }) => <TierForm tier={tier} tiers={tiers} />}
  />
)
