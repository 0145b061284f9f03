import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaError } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { appliedPoints } from "../../lib/points/redemption"
import { cartPromotionCodes } from "../../lib/rewards/rules"
import { checkoutActorOf } from "./checkout-actor"
import { checkoutRedemptionOf } from "./checkout-cart"
import { holdCheckoutRedemptionWorkflow } from "./hold-checkout-redemption"

/**
 * Check and hold what the loyalty program pays on a cart as it completes
 * (`holdCheckoutRedemptionWorkflow`: the coupons bought with points and the
 * points applied). This is the `validate` hook: Medusa's own loyalty plugin
 * does not hold it (each hook takes one handler per app), and it runs before
 * the order exists, so a refusal stops the checkout with a 4xx.
 *
 * The hold runs as a workflow of its own, with the completion's transaction
 * id, as Medusa's loyalty plugin runs its credit-line debit: a refusal inside
 * it undoes its own earlier steps, and when the completion fails later
 * (payment refused, a later step failing) this hook's compensation cancels
 * that run, which compensates each of its steps.
 *
 * - A retried `/complete` on a completed cart runs this hook again: skip it.
 * - Who: only the cart's logged-in owner may spend points or coupons. Medusa
 *   gives the hook no auth context; the store route's middleware records the
 *   caller for the cart (`enterCheckout`, read by `checkoutActorOf`), and a
 *   completion from elsewhere (a payment webhook) has none and is not checked.
 */
completeCartWorkflow.hooks.validate(
  async ({ cart }, { container, transactionId, eventGroupId }) => {
    if (cart.completed_at) {
      return new StepResponse(null, null)
    }
    const actor = checkoutActorOf(cart)
    if (actor && actor.customer_id !== cart.customer_id && appliedPoints(cart).points > 0) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used by the cart's owner, logged in")
    }
    if (appliedPoints(cart).points <= 0 && !cartPromotionCodes(cart).length) {
      // Nothing the program pays for: no run (it costs the checkout Postgres transactions), nothing to undo.
      return new StepResponse(null, null)
    }
    const { result, transaction } = await holdCheckoutRedemptionWorkflow(container).run({
      input: { redemption: checkoutRedemptionOf(cart), actor, attempt_id: String(transactionId) },
      // The checkout's event group: the redemption event is released with the order's, or cleared with it.
      context: { transactionId, eventGroupId, preventReleaseEvents: !!eventGroupId },
    })
    // Nothing held, nothing to undo: a failed completion does not cancel a run that changed nothing.
    const hold = { transaction_id: transaction.transactionId, event_group_id: eventGroupId ?? null }
    return new StepResponse(null, result.held ? hold : null)
  },
  async (hold, { container }) => {
    if (!hold) return
    await holdCheckoutRedemptionWorkflow(container).cancel({
      transactionId: hold.transaction_id,
      context: { eventGroupId: hold.event_group_id ?? undefined, preventReleaseEvents: !!hold.event_group_id },
    })
  }
)
