import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents } from "../../lib/shared/events"
import type { CheckoutActor } from "./checkout-actor"
import type { CheckoutRedemption } from "./checkout-cart"
import { debitCheckoutPointsStep } from "./steps/debit-checkout-points"
import { holdCheckoutCouponsStep } from "./steps/hold-checkout-coupons"

export const holdCheckoutRedemptionWorkflowId = "loyalty-hold-checkout-redemption"

/** As long as Medusa keeps a completion (`completeCartWorkflow`'s own retention): it can be undone that long. */
const THREE_DAYS = 60 * 60 * 24 * 3

export type HoldCheckoutRedemptionInput = {
  /** What the completing cart pays with loyalty value (`checkoutRedemptionOf`): ids and amounts, not the cart. */
  redemption: CheckoutRedemption
  /** Who asked to complete it through the store route; null when it came from elsewhere (not checked). */
  actor: CheckoutActor | null
  /** The completion attempt (its transaction id): the debit's idempotency key. */
  attempt_id: string
}

/**
 * Hold what the loyalty program pays on a completing cart: the coupons bought
 * with points, then the points applied, then announce the debit with the
 * checkout's events (grouped: released only if the order is created). A
 * refusal (a coupon no longer usable, points that no longer fit, a guest)
 * undoes what the earlier steps held and stops the checkout with a 4xx.
 *
 * Run by the plugin's `completeCartWorkflow` `validate` hook, with the
 * completion's transaction id, and undone by `cancel` with that id when the
 * completion fails later (payment refused, a later step failing). A finished
 * run can only be cancelled while Medusa keeps it, so it is stored for as
 * long as Medusa keeps the completion itself.
 *
 * @summary Hold the coupons and debit the points a completing cart pays with.
 */
export const holdCheckoutRedemptionWorkflow = createWorkflow(
  { name: holdCheckoutRedemptionWorkflowId, store: true, retentionTime: THREE_DAYS },
  (input: HoldCheckoutRedemptionInput) => {
    const coupons = holdCheckoutCouponsStep({ redemption: input.redemption, actor: input.actor })
    const debit = debitCheckoutPointsStep({ redemption: input.redemption, attempt_id: input.attempt_id })
    const events = transform({ debit }, ({ debit }) => debit.events)
    when({ events }, ({ events }) => events.length > 0).then(() => {
      emitEventStep({ eventName: LoyaltyEvents.POINTS_REDEEMED, data: events })
    })
    const held = transform({ coupons, debit }, ({ coupons, debit }) => coupons.length > 0 || !!debit.entry_id)
    return new WorkflowResponse({ held, coupon_ids: coupons, entry_id: debit.entry_id })
  }
)
