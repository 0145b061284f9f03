import { Badge, Button, Container, Input, Label, Switch, Table, Text, toast } from "@medusajs/ui"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useState, type FormEvent } from "react"
import { OptionSelect } from "../../../../components/form-field"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { QueryState } from "../../../../components/query-state"
import { LoyaltyDataTable, useColumns } from "../../../../components/data-table"
import { ListTable, NameCell, NameWithNote } from "../../../../components/table-head"
import {
  BUILT_IN_ACTIONS,
  loyaltyCareApi,
  type LoyaltyAction,
  type LoyaltyActionPeriod,
  type LoyaltyNotificationChange,
  type LoyaltyNotificationKind,
} from "../../../../lib/care-api"
import { getErrorMessage } from "../../../../lib/loyalty-api"
import { SectionHeading } from "../../../../components/section-heading"

const PERIODS: { value: LoyaltyActionPeriod; label: string }[] = [
  { value: "day", label: "per day" },
  { value: "week", label: "per week" },
  { value: "month", label: "per month" },
  { value: "year", label: "per year" },
  { value: "lifetime", label: "ever" },
]

const ACTIONS_KEY = ["loyalty", "actions"]
const NOTIFICATIONS_KEY = ["loyalty", "notification-settings"]

const limitText = (action: LoyaltyAction) =>
  action.limit_count ? `${action.limit_count} ${PERIODS.find((p) => p.value === action.limit_period)?.label}` : "No limit"

/** The actions table's columns: the switch turns an action on or off, Remove deletes it. */
const useActionColumns = ({
  toggle,
  remove,
}: {
  toggle: { isPending: boolean; mutate: (action: LoyaltyAction) => void }
  remove: { isPending: boolean; mutate: (action: LoyaltyAction) => void }
}) =>
  useColumns<LoyaltyAction>(
    (actionColumn) => [
      actionColumn.accessor("name", {
        header: "Action",
        cell: ({ row: { original: action } }) => (
          <div data-testid={`loyalty-action-${action.code}`}>
            <NameWithNote name={action.name} note={BUILT_IN_ACTIONS[action.code]} />
          </div>
        ),
      }),
      actionColumn.accessor("code", { header: "Code", cell: ({ getValue }) => <Badge size="2xsmall">{getValue()}</Badge> }),
      actionColumn.accessor("points", { header: "Points", align: "right", cell: ({ getValue }) => getValue().toLocaleString() }),
      actionColumn.display({ id: "limit", header: "Limit per customer", cell: ({ row }) => limitText(row.original) }),
      actionColumn.accessor("enabled", {
        header: "On",
        cell: ({ row: { original: action } }) => (
          <Switch
            aria-label={`${action.name} on`}
            checked={action.enabled}
            disabled={toggle.isPending}
            onCheckedChange={() => toggle.mutate(action)}
          />
        ),
      }),
      actionColumn.display({
        id: "actions",
        cell: ({ row: { original: action } }) => (
          <Button size="small" variant="transparent" disabled={remove.isPending} onClick={() => remove.mutate(action)}>
            Remove
          </Button>
        ),
      }),
    ],
    [toggle, remove]
  )

/**
 * Settings → Loyalty → Actions and notifications: what members earn points
 * for besides orders (birthday, anniversary, first order, reviews, the
 * store's own actions), each with its points and limit per customer, and how
 * each kind of message to members is sent (on or off, template, channel).
 */
const LoyaltyActionsPage = () => {
  const queryClient = useQueryClient()
  const { data, isPending, isError, error } = useQuery({ queryKey: ACTIONS_KEY, queryFn: loyaltyCareApi.actions.list })
  const refresh = () => queryClient.invalidateQueries({ queryKey: ACTIONS_KEY })
  const toggle = useMutation({
    mutationFn: (action: LoyaltyAction) => loyaltyCareApi.actions.update(action.id, { enabled: !action.enabled }),
    onSuccess: refresh,
    onError: (e) => toast.error(getErrorMessage(e)),
  })
  const remove = useMutation({
    mutationFn: (action: LoyaltyAction) => loyaltyCareApi.actions.remove(action.id),
    onSuccess: refresh,
    onError: (e) => toast.error(getErrorMessage(e)),
  })
  const columns = useActionColumns({ toggle, remove })

  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      <Container className="divide-y p-0" data-testid="loyalty-actions">
        <SectionHeading level="h1" title="Actions" className="px-6 py-4">
          Points for what members do besides ordering. Add <code>birthday</code>, <code>anniversary</code>,{" "}
          <code>first_order</code> or <code>review</code> to switch the built-in ones on; any other code is reported by your back end
          (<code>POST /admin/loyalty/action-completions</code>). Members get a message for each, through your
          notification provider, unless they switched messages off.
        </SectionHeading>
        {isPending ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-subtle">Loading the actions…</Text>
        ) : isError ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-error">Could not load the actions: {getErrorMessage(error)}</Text>
        ) : data.actions.length === 0 ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-subtle">No actions yet: members earn on orders only.</Text>
        ) : (
          <LoyaltyDataTable
            testId="loyalty-actions-table"
            data={data.actions}
            columns={columns}
            getRowId={(action) => action.id}
          />
        )}
        <NewActionForm onCreated={refresh} />
      </Container>
      <NotificationSettings />
    </div>
  )
}

const NewActionForm = ({ onCreated }: { onCreated: () => void }) => {
  const [code, setCode] = useState("")
  const [name, setName] = useState("")
  const [points, setPoints] = useState("")
  const [limit, setLimit] = useState("")
  const [period, setPeriod] = useState<LoyaltyActionPeriod>("month")
  const create = useMutation({
    mutationFn: loyaltyCareApi.actions.create,
    onSuccess: ({ action }) => {
      toast.success(`${action.name} added`)
      setCode("")
      setName("")
      setPoints("")
      setLimit("")
      onCreated()
    },
    onError: (e) => toast.error(getErrorMessage(e)),
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({
      code: code.trim(),
      name: name.trim(),
      points: Number(points),
      limit_count: limit ? Number(limit) : null,
      limit_period: limit ? period : "lifetime",
    })
  }
  return (
    <form onSubmit={submit} className="grid grid-cols-1 gap-3 px-6 py-4 md:grid-cols-6" data-testid="loyalty-action-form">
      <div className="flex flex-col gap-1">
        <Label htmlFor="action-code" size="small">Code</Label>
        <Input id="action-code" size="small" placeholder="newsletter" value={code} onChange={(e) => setCode(e.target.value)} required />
      </div>
      <div className="flex flex-col gap-1 md:col-span-2">
        <Label htmlFor="action-name" size="small">Name</Label>
        <Input id="action-name" size="small" placeholder="Newsletter sign-up" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="action-points" size="small">Points</Label>
        <Input id="action-points" size="small" type="number" min={1} step={1} value={points} onChange={(e) => setPoints(e.target.value)} required />
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="action-limit" size="small">Limit (empty = none)</Label>
        <div className="flex gap-1">
          <Input id="action-limit" size="small" type="number" min={1} step={1} value={limit} onChange={(e) => setLimit(e.target.value)} />
          <OptionSelect
            size="small"
            aria-label="Limit period"
            options={PERIODS.map((p) => [p.value, p.label] as const)}
            value={period}
            onChange={(value) => setPeriod(value)}
          />
        </div>
      </div>
      <div className="flex items-end">
        <Button size="small" type="submit" isLoading={create.isPending}>Add action</Button>
      </div>
    </form>
  )
}

/**
 * Each kind of message with its event, on/off switch, template and channel;
 * edits are kept per row until Save sends the changed rows together. A
 * channel without a provider is flagged: nothing would be sent on it.
 */
const NotificationSettings = () => {
  const queryClient = useQueryClient()
  const query = useQuery({ queryKey: NOTIFICATIONS_KEY, queryFn: loyaltyCareApi.notificationSettings })
  const [edits, setEdits] = useState<Record<string, LoyaltyNotificationChange>>({})
  const save = useMutation({
    mutationFn: () => loyaltyCareApi.updateNotificationSettings(Object.values(edits)),
    onSuccess: (saved) => {
      queryClient.setQueryData(NOTIFICATIONS_KEY, saved)
      setEdits({})
      toast.success("Notification settings saved")
    },
    onError: (e) => toast.error(getErrorMessage(e)),
  })
  const edit = (kind: LoyaltyNotificationKind, change: Omit<LoyaltyNotificationChange, "kind">) =>
    setEdits((current) => ({ ...current, [kind.kind]: { ...current[kind.kind], kind: kind.kind, ...change } }))
  const value = <K extends "enabled" | "template" | "channel">(kind: LoyaltyNotificationKind, key: K) =>
    (edits[kind.kind]?.[key] ?? kind[key]) as LoyaltyNotificationKind[K]

  return (
    <Container className="divide-y p-0" data-testid="loyalty-notification-settings">
      <div className="flex items-start justify-between gap-4 px-6 py-4">
        <SectionHeading title="Notifications">
          The messages members get through your Notification Module provider, one per event. Switch a kind off, or send
          it with another template or channel; members who switched messages off in their account get none.
        </SectionHeading>
        <Button size="small" disabled={!Object.keys(edits).length} isLoading={save.isPending} onClick={() => save.mutate()}>
          Save
        </Button>
      </div>
      <QueryState query={query} loading="Loading the notification settings…" failed="Could not load the notification settings">
        {({ notifications }) => (
          <>
            {!notifications.enabled && (
              <Text size="small" className="px-6 py-4 text-ui-fg-error">
                Messages are switched off in the plugin options (<code>care.notifications.enabled: false</code>): none is sent.
              </Text>
            )}
            <ListTable testId="loyalty-notification-settings-table" columns={["Kind", "On", "Template", "Channel"]}>
                {notifications.kinds.map((kind) => (
                  <Table.Row key={kind.kind} data-testid={`loyalty-notification-${kind.kind}`}>
                    <NameCell name={kind.kind} note={kind.event} />
                    <Table.Cell>
                      <Switch
                        aria-label={`${kind.kind} messages on`}
                        checked={value(kind, "enabled")}
                        onCheckedChange={(enabled) => edit(kind, { enabled })}
                      />
                    </Table.Cell>
                    <Table.Cell>
                      <Input
                        size="small"
                        aria-label={`${kind.kind} template`}
                        value={value(kind, "template")}
                        onChange={(e) => edit(kind, { template: e.target.value })}
                      />
                    </Table.Cell>
                    <Table.Cell>
                      <div className="flex items-center gap-2">
                        <Input
                          size="small"
                          aria-label={`${kind.kind} channel`}
                          value={value(kind, "channel")}
                          onChange={(e) => edit(kind, { channel: e.target.value })}
                        />
                        {!kind.provider && <Badge size="2xsmall" color="orange">No provider</Badge>}
                      </div>
                    </Table.Cell>
                  </Table.Row>
                ))}
            </ListTable>
          </>
        )}
      </QueryState>
    </Container>
  )
}

/** Breadcrumb only: nested settings routes stay out of the sidebar (no `config`). */
export const handle = {
  breadcrumb: () => "Actions and notifications",
}

export default LoyaltyActionsPage
