import { useEffect, useState } from "react"
import { formatMoney, formatPoints } from "./format"
import type { CartLoyalty } from "./hooks"

/**
 * "Use up to M points (worth X)": a number input and a slider (in the
 * program's steps), Max, Apply and Remove. Give it the result of
 * `useCartLoyalty(cartId)`; `onChange` runs after points were applied or
 * removed (reload your cart there: its total changed).
 *
 * It shows the server's 400 message when an apply fails, and the preview's
 * `applied.problems` when the cart changed after points were applied (items
 * removed, a promotion added…) so the applied points no longer fit.
 */
export function RedeemPoints({ cart, onChange }: { cart: CartLoyalty; onChange?: () => void }) {
  const { loyalty, apply, remove, pending, actionError } = cart
  const redeem = loyalty?.redeem ?? null
  const applied = loyalty?.applied
  const [points, setPoints] = useState<number>(0)

  // Start from what is applied, or from the largest amount allowed.
  useEffect(() => {
    if (!redeem) return
    setPoints((current) => (current > 0 ? current : applied?.points || redeem.max_points))
  }, [redeem?.max_points, applied?.points])

  if (!loyalty || !redeem) return null
  const currency = loyalty.currency_code
  const valueOf = (p: number) => (redeem.point_value ? formatMoney(p * redeem.point_value, currency) : "")

  const run = async (action: () => Promise<boolean>) => {
    if (await action()) onChange?.()
  }

  return (
    <section className="loyalty-redeem" data-testid="redeem-points">
      <h3>Pay with points</h3>
      {redeem.unavailable_reason ? (
        <p className="loyalty-muted" data-testid="redeem-unavailable">
          {redeem.unavailable_reason}
        </p>
      ) : (
        <>
          <p data-testid="redeem-offer" data-max-points={redeem.max_points}>
            Use up to <strong>{formatPoints(redeem.max_points)} points</strong> (worth{" "}
            {formatMoney(redeem.max_value, currency)})
            <span className="loyalty-muted">
              {" "}
              · at least {formatPoints(redeem.min_points)}, in steps of {formatPoints(redeem.step)}
            </span>
          </p>
          <div className="loyalty-redeem__controls">
            <input
              type="range"
              aria-label="Points to use (slider)"
              data-testid="redeem-slider"
              min={redeem.min_points}
              max={redeem.max_points}
              step={redeem.step}
              value={Math.min(Math.max(points, redeem.min_points), redeem.max_points)}
              onChange={(e) => setPoints(Number(e.target.value))}
              disabled={pending}
            />
            <input
              type="number"
              aria-label="Points to use"
              data-testid="redeem-input"
              min={redeem.min_points}
              max={redeem.max_points}
              step={redeem.step}
              value={points || ""}
              onChange={(e) => setPoints(Number(e.target.value))}
              disabled={pending}
            />
            <span className="loyalty-muted" data-testid="redeem-value">
              = {valueOf(points || 0)}
            </span>
            <button type="button" data-testid="redeem-max" onClick={() => setPoints(redeem.max_points)} disabled={pending}>
              Max
            </button>
            <button
              type="button"
              data-testid="redeem-apply"
              onClick={() => run(() => apply(points))}
              disabled={pending || !points}
            >
              {applied && applied.points > 0 ? "Update" : "Apply"}
            </button>
          </div>
        </>
      )}

      {applied && applied.points > 0 && (
        <p data-testid="redeem-applied" data-points={applied.points} data-value={applied.value}>
          {formatPoints(applied.points)} points applied: −{formatMoney(applied.value, currency)}{" "}
          <button type="button" data-testid="redeem-remove" onClick={() => run(remove)} disabled={pending}>
            Remove
          </button>
        </p>
      )}

      {actionError && (
        <p role="alert" className="loyalty-error" data-testid="redeem-error">
          {actionError}
        </p>
      )}

      {applied && !applied.fits && (
        <div role="alert" className="loyalty-error" data-testid="redeem-problems">
          The points applied no longer fit this cart; change them or remove them:
          <ul>
            {applied.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
