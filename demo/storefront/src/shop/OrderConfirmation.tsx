import type Medusa from "@medusajs/js-sdk"
import type { HttpTypes } from "@medusajs/types"
import type { StoreCartLoyalty } from "medusa-plugin-loyalty-points/client"
import { useEffect, useState } from "react"
import {
  formatMoney,
  formatPoints,
  LoyaltyBalance,
  LoyaltyHistory,
  useLoyaltyEntries,
  useLoyaltyInvalidate,
} from "../loyalty"
import { pointsCreditLines, WithCreditLines } from "./CartPanel"

/**
 * After completion: the order's money and points, the new balance and the
 * newest ledger entries. The plugin posts the order's earned points from its
 * `order.placed` subscriber, a moment after completion, so this page polls
 * the ledger for a few seconds until that entry shows up.
 */
export function OrderConfirmation({
  sdk,
  order: placed,
  loyalty,
  onContinue,
}: {
  sdk: Medusa
  order: HttpTypes.StoreOrder
  loyalty: StoreCartLoyalty
  onContinue: () => void
}) {
  const [order, setOrder] = useState(placed)
  const invalidate = useLoyaltyInvalidate()
  const { entries } = useLoyaltyEntries(10)
  const earnEntry = entries.find((e) => e.order_id === order.id && (e.type === "pending" || e.type === "earn"))
  const redeemEntry = entries.find((e) => e.order_id === order.id && e.type === "redeem")
  const earned = earnEntry ? earnEntry.pending_change + earnEntry.balance_change : null

  useEffect(() => {
    sdk.store.order
      .retrieve(placed.id, { fields: "*items,*credit_lines" })
      .then(({ order }) => setOrder(order))
      .catch(() => undefined)
  }, [sdk, placed.id])

  // Poll the ledger (1 s, up to 20 s) until the order's earned points are posted.
  const [polls, setPolls] = useState(0)
  useEffect(() => {
    if (earnEntry || polls >= 20 || !loyalty.earns) return
    const timer = setTimeout(() => {
      setPolls((n) => n + 1)
      invalidate()
    }, 1000)
    return () => clearTimeout(timer)
  }, [earnEntry, polls, loyalty.earns, invalidate])

  const money = (amount: unknown) => formatMoney(Number(amount ?? 0), order.currency_code)
  const pointsLines = pointsCreditLines(order as WithCreditLines)
  const pointsPaidValue = pointsLines.reduce((sum, line) => sum + Number(line.amount), 0)

  return (
    <section className="card confirmation" data-testid="order-confirmation" data-order-id={order.id}>
      <h2>Thank you! Order #{order.display_id} is placed</h2>
      <dl className="totals">
        <dt>Items</dt>
        <dd>{money(order.item_subtotal)}</dd>
        <dt>Shipping</dt>
        <dd>{money(order.shipping_subtotal)}</dd>
        <dt>Tax</dt>
        <dd>{money(order.tax_total)}</dd>
        {pointsLines.length > 0 && (
          <>
            <dt>Paid with points</dt>
            <dd data-testid="order-points-paid" data-points={loyalty.applied.points} data-value={pointsPaidValue}>
              {formatPoints(loyalty.applied.points)} points = −{money(pointsPaidValue)}
            </dd>
          </>
        )}
        <dt className="total">Paid with money</dt>
        <dd className="total" data-testid="order-total" data-total={order.total}>
          {money(order.total)}
        </dd>
      </dl>

      <div
        className="loyalty-earn"
        data-testid="order-points-earned"
        data-points={earned ?? ""}
        data-promised={loyalty.points_to_earn}
        data-eligible-amount={loyalty.earning.eligible_amount}
      >
        {!loyalty.earns ? (
          <span className="muted">{loyalty.earn_note ?? "This order earns no points"}</span>
        ) : earnEntry ? (
          <>
            This order earned <strong>{formatPoints(earned!)} points</strong> on the{" "}
            {formatMoney(loyalty.earning.eligible_amount, order.currency_code)} of items paid with money
            {earnEntry.type === "pending" && earnEntry.release_at
              ? `; they become available on ${new Date(earnEntry.release_at).toLocaleDateString()}, after the return window`
              : ""}
            .
          </>
        ) : (
          <>
            This order earns <strong>{formatPoints(loyalty.points_to_earn)} points</strong>
            <span className="muted"> (being posted…)</span>
          </>
        )}
      </div>
      {redeemEntry && (
        <p data-testid="order-points-redeemed" data-points={-redeemEntry.balance_change}>
          {formatPoints(-redeemEntry.balance_change)} points were taken from your balance.
        </p>
      )}

      <h3>Your points now</h3>
      <LoyaltyBalance />
      <h3>Latest activity</h3>
      <LoyaltyHistory limit={5} highlightOrderId={order.id} />
      <button type="button" data-testid="continue-shopping" onClick={onContinue}>
        Continue shopping
      </button>
    </section>
  )
}
