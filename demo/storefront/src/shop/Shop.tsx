import type Medusa from "@medusajs/js-sdk"
import type { HttpTypes } from "@medusajs/types"
import { useCallback, useEffect, useState } from "react"
import { errorMessage, LoyaltyHistory, MemberPreferences, useLoyaltyClient, useLoyaltyInvalidate } from "../loyalty"
import { CartPanel } from "./CartPanel"
import { checkout, CheckoutError, CheckoutResult } from "./checkout"
import { OrderConfirmation } from "./OrderConfirmation"
import { Products } from "./Products"

/** The demo's shop: first region, its products, one cart per customer (id kept in localStorage). */
export function Shop({ sdk, customer }: { sdk: Medusa; customer: HttpTypes.StoreCustomer }) {
  const loyalty = useLoyaltyClient()
  const invalidate = useLoyaltyInvalidate()
  const cartKey = `loyalty-demo-cart:${customer.id}`

  const [region, setRegion] = useState<HttpTypes.StoreRegion | null>(null)
  const [products, setProducts] = useState<HttpTypes.StoreProduct[]>([])
  const [cart, setCart] = useState<HttpTypes.StoreCart | null>(null)
  const [placed, setPlaced] = useState<CheckoutResult | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [checkoutStep, setCheckoutStep] = useState<string | null>(null)
  const [checkoutError, setCheckoutError] = useState<{ message: string; problems: string[] } | null>(null)

  useEffect(() => {
    let cancelled = false
    ;(async () => {
      const { regions } = await sdk.store.region.list({ fields: "id,name,currency_code,*countries" })
      const first = regions[0]
      if (!first) throw new Error("The store has no region")
      const { products } = await sdk.store.product.list({
        region_id: first.id,
        fields: "id,title,handle,description,*variants,*variants.calculated_price",
        limit: 24,
      })
      // a cart left from an earlier visit, if it is still open and in this region
      let saved: HttpTypes.StoreCart | null = null
      const savedId = localStorage.getItem(cartKey)
      if (savedId) {
        saved = await sdk.store.cart
          .retrieve(savedId)
          .then(({ cart }) => (!cart.completed_at && cart.region_id === first.id ? cart : null))
          .catch(() => null)
        if (!saved) localStorage.removeItem(cartKey)
      }
      if (cancelled) return
      setRegion(first)
      setProducts(products)
      setCart(saved)
    })().catch((e) => !cancelled && setError(errorMessage(e)))
    return () => {
      cancelled = true
    }
  }, [sdk, cartKey])

  const reloadCart = useCallback(async () => {
    if (!cart) return
    const { cart: fresh } = await sdk.store.cart.retrieve(cart.id)
    setCart(fresh)
  }, [sdk, cart?.id])

  /** Runs a cart change, then refreshes the cart and every loyalty view. */
  const change = async (action: () => Promise<HttpTypes.StoreCart>) => {
    setBusy(true)
    setError(null)
    setCheckoutError(null)
    try {
      setCart(await action())
      invalidate()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const addToCart = (variantId: string) =>
    change(async () => {
      let cartId = cart?.id
      if (!cartId) {
        // Created while logged in, so the cart belongs to this customer (and can earn and spend points).
        const created = await sdk.store.cart.create({ region_id: region!.id, email: customer.email })
        cartId = created.cart.id
        localStorage.setItem(cartKey, cartId)
      }
      return (await sdk.store.cart.createLineItem(cartId, { variant_id: variantId, quantity: 1 })).cart
    })

  const removeItem = (lineId: string) =>
    change(async () => {
      const { parent } = await sdk.store.cart.deleteLineItem(cart!.id, lineId)
      return parent ?? (await sdk.store.cart.retrieve(cart!.id)).cart
    })

  const placeOrder = async () => {
    if (!cart || !region) return
    setBusy(true)
    setCheckoutError(null)
    try {
      const result = await checkout(sdk, loyalty, { cartId: cart.id, customer, region, onStep: setCheckoutStep })
      localStorage.removeItem(cartKey)
      setPlaced(result)
      setCart(null)
    } catch (e) {
      setCheckoutError({ message: errorMessage(e), problems: e instanceof CheckoutError ? e.problems : [] })
      await reloadCart().catch(() => undefined) // address and shipping may have changed it
    } finally {
      invalidate()
      setCheckoutStep(null)
      setBusy(false)
    }
  }

  if (placed) {
    return <OrderConfirmation sdk={sdk} order={placed.order} loyalty={placed.loyalty} onContinue={() => setPlaced(null)} />
  }

  return (
    <div className="shop">
      <div>
        {error && (
          <p role="alert" className="error" data-testid="shop-error">
            {error}
          </p>
        )}
        {region ? (
          <>
            <p className="muted">
              Region {region.name} · prices in {region.currency_code.toUpperCase()}
            </p>
            <Products products={products} currencyCode={region.currency_code} onAdd={addToCart} busy={busy} />
          </>
        ) : (
          !error && <p className="muted">Loading the catalog…</p>
        )}
        <section>
          <h2>Your points history</h2>
          <LoyaltyHistory limit={8} />
        </section>
        <section>
          <h2>Your loyalty preferences</h2>
          <MemberPreferences />
        </section>
      </div>
      <aside>
        {cart ? (
          <CartPanel
            cart={cart}
            onCartChanged={() => reloadCart().catch((e) => setError(errorMessage(e)))}
            onRemoveItem={removeItem}
            onCheckout={placeOrder}
            checkoutStep={checkoutStep}
            checkoutError={checkoutError}
            busy={busy}
          />
        ) : (
          <section className="card cart" data-testid="cart">
            <h2>Your cart</h2>
            <p className="muted">Empty: add a product.</p>
          </section>
        )}
      </aside>
    </div>
  )
}
