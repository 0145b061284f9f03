import { Badge, Button, Container, IconButton, Input, Text, toast } from "@medusajs/ui"
import { ArrowDownMini, ArrowUpMini } from "@medusajs/icons"
import { useCallback, useMemo, useState, type FormEvent } from "react"
import { Outlet, useNavigate } from "react-router-dom"
import { LoyaltyDataTable, useColumns } from "../../../../components/data-table"
import { Field, OptionSelect, optionsOf } from "../../../../components/form-field"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { EmptyRow, QueryState } from "../../../../components/query-state"
import {
  useCustomerGroupsForTiers,
  useDeleteLoyaltyTier,
  useLoyaltyTierPreview,
  useLoyaltyTiers,
  useReorderLoyaltyTiers,
  useUpdateLoyaltyTierSettings,
} from "../../../../hooks/use-loyalty-tiers"
import { formatPoints } from "../../../../lib/format"
import { describeReach } from "../../../../lib/tier-format"
import {
  getErrorMessage,
  LOYALTY_TIER_LIMITS,
  type LoyaltyTier,
  type LoyaltyTierSettings,
  type LoyaltyTierWindow,
} from "../../../../lib/loyalty-api"
import { SectionHeading } from "../../../../components/section-heading"

/* ------------------------------------------------------------------ */
/* Settings → Loyalty → Tiers. No `defineRouteConfig`: the dashboard    */
/* does not list nested settings pages; the Loyalty tabs link here.    */
/* ------------------------------------------------------------------ */

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
    {/* The create and edit drawers (@create, @[id]/edit) are child routes drawn here. */}
    <Outlet />
  </div>
)

/* ------------------------------------------------------------------ */

/** The tiers table's columns; the actions need the whole list (to move a tier) and the page's handlers. */
const useTierColumns = ({
  tiers,
  groupName,
  qualifying,
  reordering,
  onMove,
  onDelete,
}: {
  tiers: LoyaltyTier[]
  groupName: (id: string | null) => string
  qualifying: (id: string) => number | undefined
  reordering: boolean
  onMove: (index: number, by: -1 | 1) => void
  onDelete: (id: string) => void
}) => {
  const navigate = useNavigate()
  return useColumns<LoyaltyTier>(
    (columnHelper) => [
      columnHelper.accessor("rank", { header: "Rank" }),
      columnHelper.accessor("name", {
        header: "Tier",
        cell: ({ row: { original: tier } }) => (
          <div data-tier-name={tier.name}>
            <Text size="small" weight="plus">
              {tier.name}
            </Text>
            {tier.perks && (
              <Text size="xsmall" className="text-ui-fg-subtle max-w-[220px] truncate" title={tier.perks}>
                {tier.perks}
              </Text>
            )}
          </div>
        ),
      }),
      columnHelper.display({
        id: "reach",
        header: "To reach",
        cell: ({ row }) => <span className="whitespace-nowrap">{describeReach(row.original)}</span>,
      }),
      columnHelper.accessor("earn_multiplier", { header: "Earns", cell: ({ getValue }) => `× ${getValue()}` }),
      columnHelper.accessor("bonus_points", {
        header: "Bonus",
        cell: ({ getValue }) => (getValue() ? formatPoints(getValue()) : "-"),
      }),
      columnHelper.accessor("customer_group_id", {
        header: "Customer group",
        cell: ({ getValue }) => groupName(getValue()),
      }),
      columnHelper.accessor("members", {
        header: "Members",
        align: "right",
        cell: ({ getValue }) => <span data-testid="loyalty-tier-members">{formatPoints(getValue() ?? 0)}</span>,
      }),
      // Read in the cell, not the accessor: react-table keeps accessor values until the rows change, and the
      // preview comes after them.
      columnHelper.accessor("id", {
        id: "qualifying",
        header: "Would qualify now",
        align: "right",
        cell: ({ getValue }) => {
          const count = qualifying(getValue())
          return <span data-testid="loyalty-tier-qualifying">{count === undefined ? "-" : formatPoints(count)}</span>
        },
      }),
      columnHelper.display({
        id: "actions",
        cell: ({ row: { original: tier, index } }) => (
          <div className="flex items-center justify-end gap-x-1">
            <IconButton
              size="small"
              variant="transparent"
              aria-label={`Move ${tier.name} to a lower rank`}
              disabled={index === 0 || reordering}
              onClick={() => onMove(index, -1)}
            >
              <ArrowUpMini />
            </IconButton>
            <IconButton
              size="small"
              variant="transparent"
              aria-label={`Move ${tier.name} to a higher rank`}
              disabled={index === tiers.length - 1 || reordering}
              onClick={() => onMove(index, 1)}
            >
              <ArrowDownMini />
            </IconButton>
            <Button size="small" variant="transparent" onClick={() => navigate(`${tier.id}/edit`)}>
              Edit
            </Button>
            <Button size="small" variant="transparent" onClick={() => onDelete(tier.id)}>
              Delete
            </Button>
          </div>
        ),
      }),
    ],
    [tiers, groupName, qualifying, reordering, onMove, onDelete, navigate]
  )
}

const TiersSection = () => {
  const query = useLoyaltyTiers()
  const { data } = query
  const preview = useLoyaltyTierPreview()
  const groups = useCustomerGroupsForTiers()
  const navigate = useNavigate()
  const [deleting, setDeleting] = useState<string | null>(null)
  const reorder = useReorderLoyaltyTiers()

  const tiers = useMemo(() => data?.tiers ?? [], [data])
  const groupName = useCallback(
    (id: string | null) => (id ? groups.data?.customer_groups.find((group) => group.id === id)?.name ?? id : "-"),
    [groups.data]
  )
  const qualifying = useCallback(
    (id: string) => preview.data?.preview.tiers.find((row) => row.id === id)?.qualifying,
    [preview.data]
  )

  const move = useCallback(
    async (index: number, by: -1 | 1) => {
      const next = [...tiers]
      const [tier] = next.splice(index, 1)
      next.splice(index + by, 0, tier)
      try {
        await reorder.mutateAsync(next)
        toast.success("Tiers reordered")
      } catch (err) {
        toast.error("Could not reorder the tiers", { description: getErrorMessage(err) })
      }
    },
    [tiers, reorder]
  )

  const columns = useTierColumns({
    tiers,
    groupName,
    qualifying,
    reordering: reorder.isPending,
    onMove: move,
    onDelete: setDeleting,
  })

  return (
    <Container className="divide-y p-0">
      <div className="flex items-start justify-between gap-x-4 px-6 py-4">
        <SectionHeading level="h1" title="Membership tiers">
          Customers reach a tier when the activity of their released orders reaches its threshold. Thresholds
          must grow with rank. Members are mirrored into the tier&apos;s customer group, so prices, promotions
          and free shipping can target them.
        </SectionHeading>
        <Button size="small" variant="secondary" onClick={() => navigate("create")} data-testid="loyalty-tier-create">
          Create tier
        </Button>
      </div>

      <QueryState query={query} loading="Loading tiers…" failed="Could not load the tiers">
        {() =>
          tiers.length === 0 ? (
            <EmptyRow testId="loyalty-tiers-empty">No tiers yet. Create the first one.</EmptyRow>
          ) : (
            <LoyaltyDataTable testId="loyalty-tiers-table" data={tiers} columns={columns} getRowId={(tier) => tier.id} />
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
        <SectionHeading title="Qualification">
          Upgrades happen as soon as a threshold is reached. Downgrades wait for the end of the period, plus the
          grace days, and go to the tier the period&apos;s activity still reaches.
        </SectionHeading>
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
