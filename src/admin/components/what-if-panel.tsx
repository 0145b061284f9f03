import { Alert, Button, Table, Text } from "@medusajs/ui"
import { useWhatIf } from "../hooks/use-what-if"
import { getErrorMessage } from "../lib/loyalty-api"
import { formatPoints, formatSignedPoints } from "../lib/format"
import type { WhatIfBody, WhatIfResult, WhatIfSide } from "../lib/what-if-api"
import { SectionHeading } from "./section-heading"
import { CellsRow, TableHead } from "./table-head"

const percent = (share: number | null | undefined) => (share === null || share === undefined ? "–" : `${(share * 100).toFixed(2)} %`)

/** Rows of the side-by-side comparison: the same figure for the rules in force and the proposal. */
function comparisonRows(result: WhatIfResult) {
  const rows: { label: string; now: string; then: string; change?: string }[] = []
  const points = (label: string, pick: (side: WhatIfSide) => number) => {
    const now = pick(result.current)
    const then = pick(result.proposed)
    rows.push({ label, now: formatPoints(now), then: formatPoints(then), change: formatSignedPoints(then - now) })
  }
  points("Points issued", (s) => s.issued)
  points("Points redeemed (observed behaviour)", (s) => s.redeemed)
  points("Points expired", (s) => s.expired)
  points("Points outstanding", (s) => s.outstanding)
  const codes = [...new Set([...result.current.by_currency, ...result.proposed.by_currency].map((c) => c.currency_code))]
  for (const code of codes) {
    const now = result.current.by_currency.find((c) => c.currency_code === code)
    const then = result.proposed.by_currency.find((c) => c.currency_code === code)
    const upper = code.toUpperCase()
    rows.push({ label: `Liability (${upper})`, now: `${now?.liability ?? "0"} ${upper}`, then: `${then?.liability ?? "0"} ${upper}` })
    rows.push({ label: `Cost as a share of revenue (${upper})`, now: percent(now?.cost_share), then: percent(then?.cost_share) })
  }
  const tierNames = [...new Set([...result.current.tiers, ...result.proposed.tiers].map((t) => t.name))]
  for (const name of tierNames) {
    const now = result.current.tiers.find((t) => t.name === name)?.members ?? 0
    const then = result.proposed.tiers.find((t) => t.name === name)?.members ?? 0
    rows.push({ label: `Members in ${name}`, now: String(now), then: String(then), change: formatSignedPoints(then - now) })
  }
  if (result.forward) {
    const f = result.forward
    rows.push({
      label: `Next 12 months: points (90 % interval; ${f.model})`,
      now: `${formatPoints(f.current_points)} (${formatPoints(f.current_points_interval[0])}–${formatPoints(f.current_points_interval[1])})`,
      then: `${formatPoints(f.proposed_points)} (${formatPoints(f.proposed_points_interval[0])}–${formatPoints(f.proposed_points_interval[1])})`,
      change: formatSignedPoints(f.proposed_points - f.current_points),
    })
  }
  return rows
}

/**
 * "Preview impact": replays the store's last 12 months of orders under the
 * form's unsaved values beside the rules in force (`POST
 * /admin/loyalty/what-if`), so the merchant sees the cost before saving.
 * `proposal` is null while the form has errors; `note` says how the form's
 * values were taken (e.g. a draft campaign previewed as if published).
 */
export function WhatIfPanel({ proposal, disabledReason, note }: { proposal: WhatIfBody | null; disabledReason?: string; note?: string }) {
  const whatIf = useWhatIf()
  const result = whatIf.data?.what_if
  return (
    <div className="flex flex-col gap-y-3 px-6 py-4" data-testid="what-if-panel">
      <div className="flex items-start justify-between gap-x-4">
        <div>
          <SectionHeading title="Preview impact">
            Replays the last 12 months of orders under these unsaved values, beside the rules in force. Nothing is saved.
          </SectionHeading>
          {note && (
            <Text size="small" className="text-ui-fg-subtle" data-testid="what-if-note">
              {note}
            </Text>
          )}
        </div>
        <Button
          type="button"
          size="small"
          variant="secondary"
          data-testid="what-if-preview"
          isLoading={whatIf.isPending}
          disabled={!proposal}
          title={proposal ? undefined : disabledReason}
          onClick={() => proposal && whatIf.mutate(proposal)}
        >
          Preview impact
        </Button>
      </div>
      {whatIf.isError && (
        <Alert variant="error" data-testid="what-if-error">
          {getErrorMessage(whatIf.error)}
        </Alert>
      )}
      {result && (
        <div className="flex flex-col gap-y-3" data-testid="what-if-result">
          <Text size="small" className="text-ui-fg-subtle">
            {result.orders.toLocaleString()} orders of {result.members.toLocaleString()} members, {result.from.slice(0, 10)} to{" "}
            {result.to.slice(0, 10)}. The rules in force reproduce the ledger: {formatPoints(result.current.issued)} replayed,{" "}
            {formatPoints(result.ledger.issued)} issued.
          </Text>
          <Table data-testid="what-if-comparison">
            <TableHead columns={["", "Now", "Proposed", "Change"]} />
            <Table.Body>
              {comparisonRows(result).map((row) => (
                <Table.Row key={row.label}>
                  <Table.Cell>{row.label}</Table.Cell>
                  <Table.Cell>{row.now}</Table.Cell>
                  <Table.Cell data-testid={row.label === "Points issued" ? "what-if-proposed-issued" : undefined}>{row.then}</Table.Cell>
                  <Table.Cell>{row.change ?? ""}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          <Text size="small" className="text-ui-fg-subtle">
            Tiers: {result.tier_moves.up} members would move up, {result.tier_moves.down} down.
          </Text>
          {result.most_affected.length > 0 && (
            <Table data-testid="what-if-most-affected">
              <TableHead columns={["Most affected", "Now", "Proposed", "Change"]} />
              <Table.Body>
                {result.most_affected.slice(0, 5).map((c) => (
                  <CellsRow
                    key={c.customer_id}
                    cells={[c.email ?? c.customer_id, formatPoints(c.current_points), formatPoints(c.proposed_points), formatSignedPoints(c.delta)]}
                  />
                ))}
              </Table.Body>
            </Table>
          )}
          {result.notes.map((note) => (
            <Text key={note} size="xsmall" className="text-ui-fg-muted">
              {note}
            </Text>
          ))}
        </div>
      )}
    </div>
  )
}
