import type { HttpTypes } from "@medusajs/types"
import { formatMoney, PointsToEarn, RedeemPoints, useCartLoyalty } from "../loyalty"

/** Credit lines are on carts and orders at run time; @medusajs/types 2.21 does not declare them. */
export type WithCreditLines = {
  credit_lines?: { id: string; reference?: string | null; amount: number | string; metadata?: Record<string, unknown> | null }[]
  credit_line_total?: number
}

/** Points paid on a cart or order: the plugin's credit lines carry reference "loyalty-points". */
export const pointsCreditLines = (owner: WithCreditLines) =>
  (owner.credit_lines ?? []).filter((line) => line.reference === "loyalty-points")

export function CartPanel({
  cart,
  onCartChanged,
  onRemoveItem,
  onCheckout,
  checkoutStep,
  checkoutError,
  busy,
}: {
  cart: HttpTypes.StoreCart
  onCartChanged: () => void
  onRemoveItem: (lineId: string) => void
  onCheckout: () => void
  checkoutStep: string | null
  checkoutError: { message: string; problems: string[] } | null
  busy: boolean
}) {
  const cartLoyalty = useCartLoyalty(cart.id)
  const money = (amount: number | undefined | null) => formatMoney(Number(amount ?? 0), cart.currency_code)
  const items = cart.items ?? []
  const pointsPaid = pointsCreditLines(cart as WithCreditLines)

  return (
    <section className="card cart" data-testid="cart">
      <h2>Your cart</h2>
      {items.length === 0 ? (
        <p className="muted">Empty: add a product.</p>
      ) : (
        <>
          <ul className="cart-items">
            {items.map((item) => (
              <li key={item.id} data-testid="cart-item">
                <span>
                  {item.quantity} × {item.product_title}
                  {item.variant_title ? <span className="muted"> ({item.variant_title})</span> : null}
                </span>
                <span>{money(item.subtotal ?? item.unit_price * item.quantity)}</span>
                <button type="button" className="link" onClick={() => onRemoveItem(item.id)} disabled={busy}>
                  remove
                </button>
              </li>
            ))}
          </ul>
          <dl className="totals">
            <dt>Items</dt>
            <dd data-testid="cart-item-subtotal">{money(cart.item_subtotal)}</dd>
            {Number(cart.discount_total ?? 0) > 0 && (
              <>
                <dt>Discounts</dt>
                <dd>−{money(cart.discount_total)}</dd>
              </>
            )}
            <dt>Shipping</dt>
            <dd>{cart.shipping_methods?.length ? money(cart.shipping_subtotal) : "at checkout"}</dd>
            <dt>Tax</dt>
            <dd>{money(cart.tax_total)}</dd>
            {pointsPaid.length > 0 && (
              <>
                <dt>Paid with points</dt>
                <dd data-testid="cart-points-paid">−{money(pointsPaid.reduce((sum, line) => sum + Number(line.amount), 0))}</dd>
              </>
            )}
            <dt className="total">To pay</dt>
            <dd className="total" data-testid="cart-total" data-total={cart.total}>
              {money(cart.total)}
            </dd>
          </dl>

          {cartLoyalty.error && <p className="error">Points: {cartLoyalty.error}</p>}
          <PointsToEarn loyalty={cartLoyalty.loyalty} />
          <RedeemPoints cart={cartLoyalty} onChange={onCartChanged} />

          <button
            type="button"
            className="primary"
            data-testid="checkout-submit"
            onClick={onCheckout}
            disabled={busy || cartLoyalty.pending}
          >
            {checkoutStep ? `${checkoutStep}…` : `Place order · ${money(cart.total)}`}
          </button>
          <p className="muted small">
            Demo checkout: your saved address, the first shipping option and the system payment provider.
          </p>
          {checkoutError && (
            <div role="alert" className="error" data-testid="checkout-error">
              {checkoutError.message}
              {checkoutError.problems.length > 0 && (
                <ul>
                  {checkoutError.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </>
      )}
    </section>
  )
}
