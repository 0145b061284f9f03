import type { StoreLoyaltyEntry } from "medusa-plugin-loyalty-points/client"
import { formatPoints } from "./format"
import { useLoyaltyEntries } from "./hooks"

const LABELS: Record<StoreLoyaltyEntry["type"], string> = {
  earn: "Earned",
  pending: "Earned (pending)",
  release: "Released",
  redeem: "Spent",
  reverse: "Reversed",
  expire: "Expired",
  adjust: "Adjusted",
  restore: "Returned",
}

/** What an entry did: to the spendable balance, or to pending points. */
export function entryChange(entry: StoreLoyaltyEntry): { points: number; pending: boolean } {
  if (entry.balance_change !== 0) return { points: entry.balance_change, pending: false }
  return { points: entry.pending_change, pending: entry.pending_change !== 0 }
}

/**
 * The shopper's newest ledger entries. `highlightOrderId` marks the entries
 * of one order (the confirmation page uses it for the order just placed).
 */
export function LoyaltyHistory({ limit = 10, highlightOrderId }: { limit?: number; highlightOrderId?: string }) {
  const { entries, error, loading } = useLoyaltyEntries(limit)

  if (error) return <p className="loyalty-error">History unavailable: {error}</p>
  return (
    <table className="loyalty-history" data-testid="loyalty-history" aria-busy={loading}>
      <thead>
        <tr>
          <th>Date</th>
          <th>What</th>
          <th className="loyalty-num">Points</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={3} className="loyalty-muted">
              {loading ? "Loading…" : "No points yet"}
            </td>
          </tr>
        )}
        {entries.map((entry) => {
          const change = entryChange(entry)
          return (
            <tr
              key={entry.id}
              data-testid="loyalty-entry"
              data-type={entry.type}
              data-order-id={entry.order_id ?? ""}
              data-balance-change={entry.balance_change}
              data-pending-change={entry.pending_change}
              className={highlightOrderId && entry.order_id === highlightOrderId ? "loyalty-history__highlight" : undefined}
            >
              <td>{new Date(entry.created_at).toLocaleDateString()}</td>
              <td>
                {LABELS[entry.type] ?? entry.type}
                {entry.reason ? <span className="loyalty-muted"> · {entry.reason}</span> : null}
                {change.pending && entry.release_at ? (
                  <span className="loyalty-muted"> · available {new Date(entry.release_at).toLocaleDateString()}</span>
                ) : null}
              </td>
              <td className={change.points < 0 ? "loyalty-num loyalty-neg" : "loyalty-num loyalty-pos"}>
                {change.points > 0 ? "+" : change.points < 0 ? "−" : ""}
                {formatPoints(Math.abs(change.points))}
                {change.pending ? " pending" : ""}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
