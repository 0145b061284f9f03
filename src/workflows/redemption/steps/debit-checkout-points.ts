import { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { appliedPointsProblems } from "../../../lib/points/cart-points"
import { appliedPoints } from "../../../lib/points/redemption"
import { PointsEventData, pointsEventsFor } from "../../../lib/shared/events"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../../lib/shared/vocabulary"
import { pointsService } from "../../points/steps/resolve-service"
import { CHECKOUT_ABANDONED, CHECKOUT_FAILED, type CheckoutRedemption } from "../checkout-cart"

export const debitCheckoutPointsStepId = "loyalty-debit-checkout-points-step"

/** The entry this attempt wrote (null when it debited nothing) and the events that announce it. */
export type CheckoutDebit = { entry_id: string | null; events: PointsEventData[] }

/**
 * Give back what earlier completion attempts of this cart debited and never
 * gave back. This attempt holds the cart's lock and the cart is not
 * completed, so no other attempt is running and none placed an order: a
 * debit of theirs that is neither voided nor on an order belongs to an
 * attempt whose compensation did not run. Seen with Medusa 2.21.2: a
 * completion failing at `update-carts` stays `waiting_to_compensate` with
 * every compensation dormant, so the hook's own undo never comes. The undo is
 * keyed by the entry, so a compensation that does come later changes nothing.
 */
async function returnAbandonedDebits(container: MedusaContainer, cartId: string) {
  const service = pointsService(container)
  const abandoned = await service.listEntries(
    { reference_type: ReferenceTypes.CART, reference_id: cartId, type: "redeem", voided_at: null, order_id: null },
    { select: ["id"] }
  )
  await service.revertEntries(abandoned.map((entry) => entry.id), CHECKOUT_ABANDONED)
}

/**
 * Re-check the points applied to a completing cart and debit them. The cart
 * may have changed since they were applied (items, promotions, the program):
 * every rule is checked again, and the shopper is asked to re-apply. The
 * debit is keyed per completion attempt (`attempt_id`, the completion's
 * transaction id), so an attempt that fails after the debit is compensated
 * and the next attempt debits again, exactly once; an earlier attempt whose
 * compensation never ran is given back first. Answers the entry written and
 * the events that announce it.
 * Compensation: the debit is reverted (same lots, same expiries), which also
 * takes it out of the order's count, so the order a retry places counts its
 * points once.
 */
export const debitCheckoutPointsStep = createStep(
  debitCheckoutPointsStepId,
  async (input: { redemption: CheckoutRedemption; attempt_id: string }, { container }) => {
    const { redemption } = input
    const applied = appliedPoints(redemption)
    if (applied.points <= 0) return new StepResponse({ entry_id: null, events: [] } as CheckoutDebit, null)
    if (!redemption.customer_id || !redemption.is_member) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used by a logged-in member")
    }
    const service = pointsService(container)
    await returnAbandonedDebits(container, redemption.cart_id)
    const [rules, [account]] = await Promise.all([
      service.getProgramRules(),
      service.listAccounts({ customer_id: redemption.customer_id }, { take: 1 }),
    ])
    const problems = appliedPointsProblems(rules, redemption, account?.balance ?? 0)
    if (problems.length) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `The points on this cart no longer fit: ${problems.join("; ")}. Please re-apply points.`
      )
    }
    const result = await service.debitPoints({
      customer_id: redemption.customer_id,
      points: applied.points,
      type: "redeem",
      idempotency_key: IdempotencyKeys.cartRedemption(redemption.cart_id, input.attempt_id),
      reason: `Paid ${applied.value} ${redemption.currency_code.toUpperCase()} with points`,
      actor_type: "customer",
      actor_id: redemption.customer_id,
      reference_type: ReferenceTypes.CART,
      reference_id: redemption.cart_id,
      program_version: rules.version,
      currency_code: redemption.currency_code,
      details: { points: applied.points, value: applied.value },
    })
    const entryId = result.created ? result.entry.id : null
    return new StepResponse({ entry_id: entryId, events: pointsEventsFor([result]) } as CheckoutDebit, entryId)
  },
  async (entryId, { container }) => {
    if (entryId) await pointsService(container).revertEntry(entryId, CHECKOUT_FAILED)
  }
)
