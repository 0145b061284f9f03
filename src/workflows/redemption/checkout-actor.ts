import { AsyncLocalStorage } from "node:async_hooks"

/** Who asks Medusa's store route to complete a cart: the logged-in customer, or null for a guest. */
export type CheckoutActor = { customer_id: string | null }

/**
 * The actor of a store cart completion, visible to the complete-cart hook.
 *
 * A cart that spends loyalty value (points applied, a coupon bought with
 * points) completes only for its logged-in owner, but Medusa's
 * `completeCartWorkflow` gets no auth context. The store route's middleware
 * runs the rest of the request inside this context (no statement: the hook
 * checks the cart it already has), so the hook can refuse a completion by
 * anyone else. A completion that does not come through the store route (a
 * payment provider's webhook, a merchant's own code) has no actor here and
 * is not checked, as Medusa's own route would not check it either.
 */
export const checkoutActor = new AsyncLocalStorage<CheckoutActor>()
