import { formatPoints } from "./format"
import { useLoyaltyAccount } from "./hooks"

/**
 * The shopper's spendable points, with pending points (earned, waiting for
 * the return window) and the next expiry. Render it only for a logged-in
 * customer. `data-points` carries the raw number for tests and analytics.
 */
export function LoyaltyBalance({ compact = false }: { compact?: boolean }) {
  const { account, error } = useLoyaltyAccount()

  if (error) return <span className="loyalty-error">Points unavailable: {error}</span>
  if (!account) return <span className="loyalty-muted">Loading points…</span>

  return (
    <div className={compact ? "loyalty-balance loyalty-balance--compact" : "loyalty-balance"}>
      <span data-testid="loyalty-balance" data-points={account.balance} className="loyalty-balance__points">
        {formatPoints(account.balance)} points
      </span>
      {account.pending > 0 && (
        <span data-testid="loyalty-pending" data-points={account.pending} className="loyalty-muted">
          {" "}
          + {formatPoints(account.pending)} pending
        </span>
      )}
      {!compact && account.next_expiry && (
        <div className="loyalty-muted">
          {formatPoints(account.next_expiry.points)} points expire on{" "}
          {new Date(account.next_expiry.expires_at).toLocaleDateString()}
        </div>
      )}
    </div>
  )
}
