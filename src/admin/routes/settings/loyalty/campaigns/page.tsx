import { Plus, Trash } from "@medusajs/icons"
import { Badge, Button, Container, Heading, IconButton, Input, Text, toast, usePrompt } from "@medusajs/ui"
import { useState, type FormEvent } from "react"
import { Outlet, useNavigate } from "react-router-dom"
import { EditDeleteButtons, LoyaltyDataTable, useColumns } from "../../../../components/data-table"
import { Field, OptionSelect, optionsOf } from "../../../../components/form-field"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import {
  useDeleteEarningRule,
  useDeleteLoyaltyCampaign,
  useEarningRules,
  useLoyaltyCampaigns,
  useSaveEarningRule,
} from "../../../../hooks/use-campaigns"
import type { EarningRule, LoyaltyCampaign } from "../../../../lib/campaigns-api"
import { getErrorMessage } from "../../../../lib/loyalty-api"
import { STATUS_COLORS, describeSchedule, describeValue } from "./campaign-form"

/** The campaigns table's columns; the actions open the edit route or ask before deleting. */
const useCampaignColumns = (onDelete: (campaign: LoyaltyCampaign) => void) =>
  useColumns<LoyaltyCampaign>(
    (campaignColumn) => [
      campaignColumn.accessor("name", { header: "Name" }),
      campaignColumn.accessor("effective_status", {
        header: "Status",
        cell: ({ getValue }) => (
          <Badge size="2xsmall" color={STATUS_COLORS[getValue()]}>
            {getValue()}
          </Badge>
        ),
      }),
      campaignColumn.display({ id: "points", header: "Points", cell: ({ row }) => describeValue(row.original) }),
      campaignColumn.display({ id: "when", header: "When", cell: ({ row }) => describeSchedule(row.original) }),
      campaignColumn.accessor("stacking", {
        header: "Stacking",
        cell: ({ row: { original: c } }) => (
          <>
            {c.stacking === "best_wins" ? "Best wins" : `Additive${c.stack_cap ? ` (cap ×${c.stack_cap})` : ""}`}
            {` · priority ${c.priority}`}
          </>
        ),
      }),
      campaignColumn.accessor("budget_points", {
        header: "Budget",
        cell: ({ row: { original: c } }) => (c.budget_points == null ? "No limit" : `${c.spent_points} / ${c.budget_points}`),
      }),
      campaignColumn.display({
        id: "results",
        header: "Results",
        cell: ({ row: { original: c } }) => `${c.results.points} points · ${c.results.orders} orders`,
      }),
      campaignColumn.display({
        id: "actions",
        cell: ({ row: { original: c } }) => <EditDeleteButtons id={c.id} name={c.name} onDelete={() => onDelete(c)} />,
      }),
    ],
    [onDelete]
  )

/**
 * Settings → Loyalty → Campaigns: the campaigns with their status now, budget
 * and results; creating or editing one is a drawer that is a child route
 * (campaign-form.tsx); below them, the per-product earning rules.
 */
const LoyaltyCampaignsPage = () => {
  const { data, isLoading, error } = useLoyaltyCampaigns()
  const navigate = useNavigate()
  const remove = useDeleteLoyaltyCampaign()
  const prompt = usePrompt()

  const columns = useCampaignColumns(async (c: LoyaltyCampaign) => {
    const confirmed = await prompt({
      title: `Delete "${c.name}"?`,
      description: "Orders it gave points to keep them.",
      confirmText: "Delete",
      cancelText: "Cancel",
    })
    if (!confirmed) return
    remove.mutate(c.id, {
      onSuccess: () => toast.success("Campaign deleted"),
      onError: (e) => toast.error(getErrorMessage(e)),
    })
  })

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <div className="flex flex-col gap-y-2">
          <Heading level="h2">Campaigns</Heading>
          <LoyaltySettingsNav />
        </div>
        <Button size="small" variant="secondary" onClick={() => navigate("create")} data-testid="loyalty-campaign-create">
          <Plus /> Create
        </Button>
      </div>
      <div className="px-6 py-4">
        <Text size="small" className="text-ui-fg-subtle">
          Best-wins campaigns compete with the tier multiplier and each other: the one worth the most points applies.
          Additive campaigns add their points on top, within their stack cap.
        </Text>
      </div>
      {isLoading ? (
        <Text className="px-6 py-4">Loading…</Text>
      ) : error ? (
        <Text className="px-6 py-4 text-ui-fg-error">{getErrorMessage(error)}</Text>
      ) : !data?.campaigns.length ? (
        <Text className="px-6 py-4 text-ui-fg-subtle">No campaigns yet.</Text>
      ) : (
        <LoyaltyDataTable
          testId="loyalty-campaigns-table"
          data={data.campaigns}
          columns={columns}
          getRowId={(campaign) => campaign.id}
        />
      )}
      <EarningRules />
      {/* The create and edit drawers (@create, @[id]/edit) are child routes drawn here. */}
      <Outlet />
    </Container>
  )
}

const TARGET_LABELS: Record<EarningRule["target_type"], string> = {
  product: "Product",
  category: "Category",
  collection: "Collection",
}

/**
 * Per-product earning rules: a product, category or collection earns
 * `factor` × the base (0 = nothing, e.g. gift cards). The most specific rule
 * wins (product, then category, then collection).
 */
const EarningRules = () => {
  const { data, error } = useEarningRules()
  const save = useSaveEarningRule()
  const remove = useDeleteEarningRule()
  const [type, setType] = useState<EarningRule["target_type"]>("collection")
  const [targetId, setTargetId] = useState("")
  const [factor, setFactor] = useState("0")
  const [note, setNote] = useState("")
  const ruleColumns = useColumns<EarningRule>(
    (ruleColumn) => [
      ruleColumn.accessor("target_type", { header: "Applies to", cell: ({ getValue }) => TARGET_LABELS[getValue()] }),
      ruleColumn.accessor("target_id", { header: "Id" }),
      ruleColumn.accessor("factor", {
        header: "Factor",
        cell: ({ getValue }) => (getValue() === 0 ? "Earns nothing" : `×${getValue()}`),
      }),
      ruleColumn.accessor("note", { header: "Note", cell: ({ getValue }) => getValue() ?? "" }),
      ruleColumn.display({
        id: "actions",
        cell: ({ row: { original: rule } }) => (
          <IconButton
            size="small"
            variant="transparent"
            aria-label={`Delete the rule of ${rule.target_id}`}
            onClick={() => remove.mutate(rule.id, { onError: (e) => toast.error(getErrorMessage(e)) })}
          >
            <Trash />
          </IconButton>
        ),
      }),
    ],
    [remove]
  )

  const onAdd = (event: FormEvent) => {
    event.preventDefault()
    save.mutate(
      { target_type: type, target_id: targetId.trim(), factor: Number(factor), note: note.trim() || null },
      {
        onSuccess: () => {
          toast.success("Earning rule saved")
          setTargetId("")
          setNote("")
        },
        onError: (e) => toast.error(getErrorMessage(e)),
      }
    )
  }

  return (
    <div className="flex flex-col gap-y-3 px-6 py-4" data-testid="loyalty-earning-rules">
      <Heading level="h3">Earning rules per product</Heading>
      <Text size="small" className="text-ui-fg-subtle">
        A product, category or collection earns factor × the base points (0 = nothing, e.g. your gift cards; 3 = triple).
        The most specific rule wins: product, then category, then collection. Orders keep the factors they earned with.
      </Text>
      {error ? <Text className="text-ui-fg-error">{getErrorMessage(error)}</Text> : null}
      {data?.earning_rules.length ? (
        <LoyaltyDataTable
          testId="loyalty-earning-rules-table"
          data={data.earning_rules}
          columns={ruleColumns}
          getRowId={(rule) => rule.id}
        />
      ) : (
        <Text size="small">No rules: every product earns the base rate.</Text>
      )}
      <form onSubmit={onAdd} className="grid grid-cols-5 items-end gap-2">
        <Field label="Applies to">
          <OptionSelect options={optionsOf(TARGET_LABELS)} value={type} onChange={(value) => setType(value)} />
        </Field>
        <Field label="Id">
          <Input placeholder="pcol_…" value={targetId} onChange={(e) => setTargetId(e.target.value)} />
        </Field>
        <Field label="Factor">
          <Input type="number" min={0} step="0.1" value={factor} onChange={(e) => setFactor(e.target.value)} />
        </Field>
        <Field label="Note">
          <Input value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <Button size="small" variant="secondary" type="submit" isLoading={save.isPending} disabled={!targetId.trim()}>
          Save rule
        </Button>
      </form>
    </div>
  )
}

/** Breadcrumb only: nested settings routes stay out of the sidebar (no `config`). */
export const handle = {
  breadcrumb: () => "Campaigns",
}

export default LoyaltyCampaignsPage
