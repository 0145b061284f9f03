/** Who asks Medusa's store route to complete a cart: the logged-in customer, or null for a guest. */
export type CheckoutActor = { customer_id: string | null }

/** The store requests completing each cart right now, by cart id. */
const completing = new Map<string, CheckoutActor[]>()

/**
 * A store request starts completing a cart: its actor is visible to the
 * complete-cart hook until the returned function is called (when the
 * response closes).
 *
 * A cart that spends loyalty value (points applied, a coupon bought with
 * points) completes only for its logged-in owner, but Medusa's
 * `completeCartWorkflow` gets no auth context. The store route's middleware
 * records the caller here (no statement: the hook checks the cart it already
 * has), so the hook can refuse a completion by anyone else. A completion that
 * does not come through the store route (a payment provider's webhook, a
 * merchant's own code) has no actor and is not checked, as Medusa's own route
 * would not check it either.
 *
 * Not an AsyncLocalStorage: in Node 20 an enabled one adds a property to
 * every promise the process creates, which cost every request of the store
 * about 5 % more instructions (issue 15, `npm run bench`'s callgrind count).
 */
export function enterCheckout(cartId: string, actor: CheckoutActor): () => void {
  const actors = completing.get(cartId) ?? []
  actors.push(actor)
  completing.set(cartId, actors)
  let left = false
  return () => {
    if (left) return
    left = true
    actors.splice(actors.indexOf(actor), 1)
    if (!actors.length && completing.get(cartId) === actors) completing.delete(cartId)
  }
}

/**
 * The actor the hook checks a cart's completion against: when store requests
 * by several callers complete the same cart at once (Medusa lets one of them
 * run), any caller who is not the cart's owner is the one checked, so that
 * the answer never depends on which request got there first; null when no
 * store request is completing the cart.
 */
export function checkoutActorOf(cart: { id: string; customer_id?: string | null }): CheckoutActor | null {
  const actors = completing.get(cart.id) ?? []
  return actors.find((actor) => actor.customer_id !== (cart.customer_id ?? null)) ?? actors[0] ?? null
}
