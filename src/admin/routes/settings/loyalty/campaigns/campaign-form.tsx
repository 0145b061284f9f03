import { Button, Checkbox, Drawer, Heading, Label, Text, toast } from "@medusajs/ui"
import { useEffect, useMemo, useState, type FormEvent } from "react"
import { DrawerFormFooter, InputField, SelectField, optionsOf } from "../../../../components/form-field"
import { RouteFormDrawer, useCloseRoute } from "../../../../components/route-drawer"
import { WhatIfPanel } from "../../../../components/what-if-panel"
import { useCampaignCost, useCampaignPreview, useLoyaltyCampaigns, useSaveLoyaltyCampaign } from "../../../../hooks/use-campaigns"
import type {
  CampaignRecurrence,
  CampaignStacking,
  CampaignStatus,
  CampaignType,
  LoyaltyCampaign,
  LoyaltyCampaignBody,
} from "../../../../lib/campaigns-api"
import { getErrorMessage } from "../../../../lib/loyalty-api"
import { campaignProposal } from "../../../../lib/campaign-what-if"
import { useSettingsForm } from "../../../../lib/form"

/*
 * The campaign form, in a drawer that is a route of its own:
 * `@create/page.tsx` (/settings/loyalty/campaigns/create) and
 * `@[id]/edit/page.tsx` (/settings/loyalty/campaigns/:id/edit), drawn over the
 * campaigns list's <Outlet />; with a recurrence picker, a preview of the next
 * occurrences (asked of the server, in the campaign's time zone, before
 * saving) and the what-if panel. The list reads its labels from here.
 */

const TYPE_LABELS: Record<CampaignType, string> = {
  multiplier: "Points multiplier",
  order_bonus: "Bonus per order",
  amount_bonus: "Bonus per unit of money",
}
export const STATUS_COLORS: Record<CampaignStatus, "grey" | "blue" | "green" | "orange" | "red"> = {
  draft: "grey",
  scheduled: "blue",
  live: "green",
  paused: "orange",
  ended: "red",
}
/** In the order staff pick them; the colours above follow the same statuses. */
const STATUSES = Object.keys(STATUS_COLORS) as CampaignStatus[]
const STACKING_LABELS: Record<CampaignStacking, string> = {
  best_wins: "Best wins (with the tier and other campaigns)",
  additive: "Additive (up to a cap)",
}
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
type RecurrenceKind = "none" | CampaignRecurrence["kind"]
const RECURRENCE_LABELS: Record<RecurrenceKind, string> = {
  none: "Every day of the window",
  monthly: "Monthly (member day)",
  weekly: "Weekly",
  yearly: "Yearly (holidays)",
}

/** The form keeps what staff type; it is parsed on save and the server stays the judge. */
type CampaignForm = {
  name: string
  status: CampaignStatus
  type: CampaignType
  value: string
  currency: string
  rate: string
  min_order: string
  starts_at: string
  ends_at: string
  kind: RecurrenceKind
  days: string
  weekdays: number[]
  dates: string
  time_zone: string
  tier_ids: string
  customer_group_ids: string
  segments: string
  sales_channel_ids: string
  product_ids: string
  collection_ids: string
  category_ids: string
  budget_points: string
  per_customer_cap: string
  priority: string
  stacking: CampaignStacking
  stack_cap: string
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
const joined = (values: (string | number)[] | undefined) => (values ?? []).join(", ")
const localInput = (iso: string | null) => (iso ? iso.slice(0, 16) : "")
const optionalNumber = (text: string) => (text.trim() === "" ? null : Number(text))

const toForm = (c: LoyaltyCampaign | null, timeZone: string): CampaignForm => {
  const [currency, rate] = Object.entries(c?.rates ?? {})[0] ?? ["eur", undefined]
  const recurrence = c?.recurrence ?? null
  return {
    name: c?.name ?? "",
    status: c?.status ?? "draft",
    type: c?.type ?? "multiplier",
    value: c ? String(c.value) : "2",
    currency,
    rate: rate !== undefined ? String(rate) : "",
    min_order: c?.min_order_amounts?.[currency] !== undefined ? String(c.min_order_amounts[currency]) : "",
    starts_at: localInput(c?.starts_at ?? null),
    ends_at: localInput(c?.ends_at ?? null),
    kind: recurrence?.kind ?? "none",
    days: recurrence?.kind === "monthly" ? joined(recurrence.days) : "8",
    weekdays: recurrence?.kind === "weekly" ? recurrence.weekdays : [],
    dates: recurrence?.kind === "yearly" ? joined(recurrence.dates) : "",
    time_zone: c?.time_zone ?? timeZone,
    tier_ids: joined(c?.tier_ids),
    customer_group_ids: joined(c?.customer_group_ids),
    segments: joined(c?.segments),
    sales_channel_ids: joined(c?.sales_channel_ids),
    product_ids: joined(c?.product_ids),
    collection_ids: joined(c?.collection_ids),
    category_ids: joined(c?.category_ids),
    budget_points: c?.budget_points != null ? String(c.budget_points) : "",
    per_customer_cap: c?.per_customer_cap != null ? String(c.per_customer_cap) : "",
    priority: String(c?.priority ?? 0),
    stacking: c?.stacking ?? "best_wins",
    stack_cap: c?.stack_cap != null ? String(c.stack_cap) : "",
  }
}

const recurrenceOf = (form: CampaignForm): CampaignRecurrence | null => {
  switch (form.kind) {
    case "monthly":
      return { kind: "monthly", days: list(form.days).map(Number) }
    case "weekly":
      return { kind: "weekly", weekdays: [...form.weekdays].sort() }
    case "yearly":
      return { kind: "yearly", dates: list(form.dates) }
    default:
      return null
  }
}

/** `datetime-local` text read as UTC (the form says so), or null. */
const instant = (text: string) => (text ? new Date(`${text}:00Z`).toISOString() : null)

const toBody = (form: CampaignForm): LoyaltyCampaignBody => {
  const currency = form.currency.trim().toLowerCase()
  return {
    name: form.name.trim(),
    status: form.status,
    type: form.type,
    value: form.type === "amount_bonus" ? 0 : Number(form.value),
    rates: form.type === "amount_bonus" && form.rate ? { [currency]: Number(form.rate) } : null,
    min_order_amounts: form.min_order ? { [currency]: Number(form.min_order) } : null,
    starts_at: instant(form.starts_at),
    ends_at: instant(form.ends_at),
    recurrence: recurrenceOf(form),
    time_zone: form.time_zone.trim(),
    tier_ids: list(form.tier_ids),
    customer_group_ids: list(form.customer_group_ids),
    segments: list(form.segments),
    sales_channel_ids: list(form.sales_channel_ids),
    product_ids: list(form.product_ids),
    collection_ids: list(form.collection_ids),
    category_ids: list(form.category_ids),
    budget_points: optionalNumber(form.budget_points),
    per_customer_cap: optionalNumber(form.per_customer_cap),
    priority: Number(form.priority || 0),
    stacking: form.stacking,
    stack_cap: form.stacking === "additive" ? optionalNumber(form.stack_cap) : null,
  }
}

export const describeSchedule = (c: Pick<LoyaltyCampaign, "recurrence" | "time_zone">) => {
  const r = c.recurrence
  if (!r) return "Whole window"
  if (r.kind === "monthly") return `Every month on day ${r.days.join(", ")} (${c.time_zone})`
  if (r.kind === "weekly") return `Every ${r.weekdays.map((d) => WEEKDAYS[d - 1]).join(", ")} (${c.time_zone})`
  return `Every year on ${r.dates.join(", ")} (${c.time_zone})`
}

export const describeValue = (c: Pick<LoyaltyCampaign, "type" | "value" | "rates">) =>
  c.type === "multiplier"
    ? `×${c.value}`
    : c.type === "order_bonus"
      ? `+${c.value} points per order`
      : Object.entries(c.rates ?? {})
          .map(([code, rate]) => `+${rate} per ${code.toUpperCase()}`)
          .join(", ")

/** A date in the campaign's time zone, as the shopper's calendar reads it. */
const localDate = (iso: string, zone: string) =>
  new Date(iso).toLocaleString(undefined, { timeZone: zone, dateStyle: "medium", timeStyle: "short" })

const CampaignDrawer = ({
  campaign,
  campaigns,
  timeZone,
}: {
  campaign: LoyaltyCampaign | null
  campaigns: LoyaltyCampaign[]
  timeZone: string
}) => {
  const onDone = useCloseRoute()
  const initial = useMemo(() => toForm(campaign, timeZone), [campaign, timeZone])
  // The server judges the values: the form shows no errors of its own.
  const { form, set, field } = useSettingsForm<CampaignForm, Record<never, string>>(initial, "loyalty-campaign")
  const save = useSaveLoyaltyCampaign()
  const cost = useCampaignCost()

  // The preview follows the schedule as typed, a moment after typing stops.
  const schedule = useMemo(
    () => ({
      starts_at: instant(form.starts_at),
      ends_at: instant(form.ends_at),
      recurrence: recurrenceOf(form),
      time_zone: form.time_zone.trim() || undefined,
      count: 5,
    }),
    [form]
  )
  const [debounced, setDebounced] = useState(schedule)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(schedule), 400)
    return () => clearTimeout(timer)
  }, [schedule])
  const preview = useCampaignPreview(debounced, true)
  // The what-if replays the order history with this campaign as typed; the server judges the values.
  const whatIf = useMemo(
    () => (form.name.trim() ? campaignProposal(campaigns, { id: campaign?.id ?? null, body: toBody(form) }) : null),
    [form, campaigns, campaign]
  )

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    save.mutate(
      { id: campaign?.id ?? null, body: toBody(form) },
      {
        onSuccess: () => {
          toast.success(campaign ? "Campaign saved" : "Campaign created")
          onDone()
        },
        onError: (e) => toast.error(getErrorMessage(e)),
      }
    )
  }

  return (
    <form onSubmit={onSubmit} className="flex h-full flex-col">
      <Drawer.Header>
        <Drawer.Title>{campaign ? `Edit ${campaign.name}` : "Create campaign"}</Drawer.Title>
      </Drawer.Header>
      <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
        <InputField label="Name" {...field("name")} />
        <div className="grid grid-cols-2 gap-4">
          <SelectField
            label="Status"
            hint="Only scheduled and live campaigns run."
            options={STATUSES.map((status) => [status, status] as const)}
            {...field("status")}
          />
          <SelectField label="Type" options={optionsOf(TYPE_LABELS)} {...field("type")} />
          {form.type === "amount_bonus" ? (
            <InputField label="Extra points per unit" hint="In the currency below." type="number" {...field("rate")} />
          ) : (
            <InputField
              label={form.type === "multiplier" ? "Multiplier (2 = double)" : "Bonus points"}
              type="number"
              {...field("value")}
            />
          )}
          <InputField label="Currency" hint="For the rate and the minimum order." {...field("currency")} />
          <InputField
            label="Minimum order"
            hint="Items after discounts, before tax. Empty = none."
            type="number"
            {...field("min_order")}
          />
          <InputField label="Priority" type="number" {...field("priority")} />
        </div>

        <Heading level="h3">When</Heading>
        <div className="grid grid-cols-2 gap-4">
          <InputField label="Starts (UTC)" hint="Empty = now." type="datetime-local" {...field("starts_at")} />
          <InputField label="Ends (UTC)" hint="Empty = no end." type="datetime-local" {...field("ends_at")} />
          <SelectField
            label="Repeats"
            options={optionsOf(RECURRENCE_LABELS)}
            {...field("kind")}
            testId="loyalty-campaign-recurrence"
          />
          <InputField label="Time zone" hint="Recurring days are this zone's days." {...field("time_zone")} />
        </div>
        {form.kind === "monthly" ? <InputField label="Days of the month" hint="e.g. 8 or 1, 15" {...field("days")} /> : null}
        {form.kind === "weekly" ? (
          <div className="flex flex-wrap gap-3" data-testid="loyalty-campaign-weekdays">
            {WEEKDAYS.map((day, i) => (
              <label key={day} className="flex items-center gap-x-1">
                <Checkbox
                  checked={form.weekdays.includes(i + 1)}
                  onCheckedChange={(checked) =>
                    set("weekdays", checked ? [...form.weekdays, i + 1] : form.weekdays.filter((d) => d !== i + 1))
                  }
                />
                <Text size="small">{day}</Text>
              </label>
            ))}
          </div>
        ) : null}
        {form.kind === "yearly" ? <InputField label="Dates" hint='"MM-DD", e.g. 12-24, 11-11' {...field("dates")} /> : null}
        <div data-testid="loyalty-campaign-preview">
          <Label size="small" weight="plus">
            Next occurrences
          </Label>
          {preview.error ? (
            <Text size="small" className="text-ui-fg-error">
              {getErrorMessage(preview.error)}
            </Text>
          ) : (
            <ul className="list-disc pl-5">
              {(preview.data?.occurrences ?? []).map((o) => (
                <li key={o.starts_at}>
                  <Text size="small">
                    {localDate(o.starts_at, preview.data!.time_zone)} – {localDate(o.ends_at, preview.data!.time_zone)}
                  </Text>
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="flex flex-col gap-y-1" data-testid="loyalty-campaign-cost">
          <div className="flex items-center gap-x-2">
            <Button
              size="small"
              variant="secondary"
              type="button"
              isLoading={cost.isPending}
              onClick={() => cost.mutate(toBody(form))}
            >
              Estimate on last month's orders
            </Button>
          </div>
          {cost.error ? (
            <Text size="small" className="text-ui-fg-error">
              {getErrorMessage(cost.error)}
            </Text>
          ) : cost.data ? (
            <Text size="small">
              {cost.data.cost.points.toLocaleString()} points on {cost.data.cost.orders_reached} of{" "}
              {cost.data.cost.orders} members' orders ({cost.data.cost.customers_reached} customers)
              {cost.data.cost.budget_exhausted ? "; the budget would have run out" : ""}
              {cost.data.truncated ? " (the most recent 2,000 orders)" : ""}. Alone, before stacking with tiers and
              other campaigns.
            </Text>
          ) : null}
        </div>

        <div className="-mx-6 border-y" data-testid="loyalty-campaign-what-if">
          <WhatIfPanel proposal={whatIf?.body ?? null} note={whatIf?.note ?? undefined} disabledReason="Name the campaign first." />
        </div>

        <Heading level="h3">Who and what</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Comma-separated ids; empty = everyone / everything.
        </Text>
        <div className="grid grid-cols-2 gap-4">
          <InputField label="Tiers" {...field("tier_ids")} />
          <InputField label="Customer groups" {...field("customer_group_ids")} />
          <InputField label="Segments" hint="e.g. at_risk, die_hard" {...field("segments")} />
          <InputField label="Sales channels" {...field("sales_channel_ids")} />
          <InputField label="Products" {...field("product_ids")} />
          <InputField label="Collections" {...field("collection_ids")} />
          <InputField label="Categories" {...field("category_ids")} />
        </div>

        <Heading level="h3">Budget and stacking</Heading>
        <div className="grid grid-cols-2 gap-4">
          <InputField
            label="Budget (points)"
            hint="Empty = no limit."
            type="number"
            {...field("budget_points")}
            testId="loyalty-campaign-budget"
          />
          <InputField
            label="Per-customer cap (points)"
            hint="Empty = no limit."
            type="number"
            {...field("per_customer_cap")}
            testId="loyalty-campaign-cap"
          />
          <SelectField label="Stacking" options={optionsOf(STACKING_LABELS)} {...field("stacking")} />
          {form.stacking === "additive" ? (
            <InputField
              label="Stack cap"
              hint="The order's points stay within this × its base points. Empty = no cap."
              type="number"
              {...field("stack_cap")}
            />
          ) : null}
        </div>
      </Drawer.Body>
      <DrawerFormFooter isPending={save.isPending} saveTestId="loyalty-campaign-save" />
    </form>
  )
}

/**
 * The campaign form's drawer: the route's campaign, or a new one; the list
 * gives the other campaigns (the what-if replays them too) and the store's
 * time zone.
 */
export const CampaignFormDrawer = () => (
  <RouteFormDrawer
    query={useLoyaltyCampaigns()}
    noun="campaign"
    form={(campaign, data) => (
      <CampaignDrawer campaign={campaign} campaigns={data.campaigns} timeZone={data.time_zone ?? "UTC"} />
    )}
  />
)
