import { Badge, Button, Container, Heading, Input, Label, Select, Switch, Table, Text, toast } from "@medusajs/ui"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useState, type FormEvent } from "react"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { BUILT_IN_ACTIONS, loyaltyCareApi, type LoyaltyAction, type LoyaltyActionPeriod } from "../../../../lib/care-api"
import { getErrorMessage } from "../../../../lib/loyalty-api"

const PERIODS: { value: LoyaltyActionPeriod; label: string }[] = [
  { value: "day", label: "per day" },
  { value: "week", label: "per week" },
  { value: "month", label: "per month" },
  { value: "year", label: "per year" },
  { value: "lifetime", label: "ever" },
]

const ACTIONS_KEY = ["loyalty", "actions"]

const limitText = (action: LoyaltyAction) =>
  action.limit_count ? `${action.limit_count} ${PERIODS.find((p) => p.value === action.limit_period)?.label}` : "No limit"

/**
 * Settings → Loyalty → Actions: what members earn points for besides orders
 * (birthday, anniversary, first order, reviews, the store's own actions), each with its
 * points and limit per customer, switched on or off here.
 */
const LoyaltyActionsPage = () => {
  const queryClient = useQueryClient()
  const { data, isPending, isError, error } = useQuery({ queryKey: ACTIONS_KEY, queryFn: loyaltyCareApi.actions })
  const refresh = () => queryClient.invalidateQueries({ queryKey: ACTIONS_KEY })
  const toggle = useMutation({
    mutationFn: (action: LoyaltyAction) => loyaltyCareApi.updateAction(action.id, { enabled: !action.enabled }),
    onSuccess: refresh,
    onError: (e) => toast.error(getErrorMessage(e)),
  })
  const remove = useMutation({
    mutationFn: (action: LoyaltyAction) => loyaltyCareApi.deleteAction(action.id),
    onSuccess: refresh,
    onError: (e) => toast.error(getErrorMessage(e)),
  })

  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      <Container className="divide-y p-0" data-testid="loyalty-actions">
        <div className="px-6 py-4">
          <Heading level="h1">Actions</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Points for what members do besides ordering. Add <code>birthday</code>, <code>anniversary</code>,{" "}
            <code>first_order</code> or <code>review</code> to switch the built-in ones on; any other code is reported by your back end
            (<code>POST /admin/loyalty/action-completions</code>). Members get a message for each, through your
            notification provider, unless they switched messages off.
          </Text>
        </div>
        {isPending ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-subtle">Loading the actions…</Text>
        ) : isError ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-error">Could not load the actions: {getErrorMessage(error)}</Text>
        ) : data.actions.length === 0 ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-subtle">No actions yet: members earn on orders only.</Text>
        ) : (
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Action</Table.HeaderCell>
                <Table.HeaderCell>Code</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Points</Table.HeaderCell>
                <Table.HeaderCell>Limit per customer</Table.HeaderCell>
                <Table.HeaderCell>On</Table.HeaderCell>
                <Table.HeaderCell />
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.actions.map((action) => (
                <Table.Row key={action.id} data-testid={`loyalty-action-${action.code}`}>
                  <Table.Cell>
                    <div className="flex flex-col">
                      <span>{action.name}</span>
                      {BUILT_IN_ACTIONS[action.code] && (
                        <Text size="xsmall" className="text-ui-fg-subtle">{BUILT_IN_ACTIONS[action.code]}</Text>
                      )}
                    </div>
                  </Table.Cell>
                  <Table.Cell><Badge size="2xsmall">{action.code}</Badge></Table.Cell>
                  <Table.Cell className="text-right">{action.points.toLocaleString()}</Table.Cell>
                  <Table.Cell>{limitText(action)}</Table.Cell>
                  <Table.Cell>
                    <Switch
                      aria-label={`${action.name} on`}
                      checked={action.enabled}
                      disabled={toggle.isPending}
                      onCheckedChange={() => toggle.mutate(action)}
                    />
                  </Table.Cell>
                  <Table.Cell>
                    <Button size="small" variant="transparent" disabled={remove.isPending} onClick={() => remove.mutate(action)}>
                      Remove
                    </Button>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        )}
        <NewActionForm onCreated={refresh} />
      </Container>
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
    mutationFn: loyaltyCareApi.createAction,
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
          <Select size="small" value={period} onValueChange={(v) => setPeriod(v as LoyaltyActionPeriod)}>
            <Select.Trigger aria-label="Limit period"><Select.Value /></Select.Trigger>
            <Select.Content>
              {PERIODS.map((p) => (
                <Select.Item key={p.value} value={p.value}>{p.label}</Select.Item>
              ))}
            </Select.Content>
          </Select>
        </div>
      </div>
      <div className="flex items-end">
        <Button size="small" type="submit" isLoading={create.isPending}>Add action</Button>
      </div>
    </form>
  )
}

/** Breadcrumb only: nested settings routes stay out of the sidebar (no `config`). */
export const handle = {
  breadcrumb: () => "Actions",
}

export default LoyaltyActionsPage
