import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { appliedPointsProblems } from "../../lib/cart-points"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/events"
import { appliedPoints } from "../../lib/redemption"
import { pointsService } from "../points/steps/resolve-service"

const CHECKOUT_FAILED = "Checkout did not complete: points returned"

/**
 * Debit the points on a cart as it completes. This is the `validate` hook:
 * Medusa's own loyalty plugin does not hold it (each hook takes one handler
 * per app), and it runs before the order exists, so a refusal stops the
 * checkout with a 400 and nothing to undo.
 *
 * - A retried `/complete` on a completed cart runs this hook again: skip it.
 * - The cart may have changed since the points were applied (items,
 *   promotions, the program): re-check every rule and ask to re-apply.
 * - The debit is keyed per completion attempt, so an attempt that fails
 *   after the debit (payment refused) is compensated by a `restore` entry and
 *   the next attempt debits again, exactly once. The undo gives back the
 *   lots the debit took and takes the debit out of the order's count, so the
 *   order that a retry places counts its points once.
 * - Whatever fails after the debit inside this handler (announcing it on the
 *   event bus) undoes the debit before the error stops the checkout: Medusa
 *   compensates a failed step with no input, so it cannot do it.
 */
completeCartWorkflow.hooks.validate(
  async ({ cart }, { container, transactionId, eventGroupId }) => {
    const applied = appliedPoints(cart)
    if (cart.completed_at || applied.points <= 0) {
      return new StepResponse(null, null)
    }
    if (!cart.customer_id || !cart.customer?.has_account) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used by a logged-in member")
    }
    const service = pointsService(container)
    const [rules, account] = await Promise.all([
      service.getProgramRules(),
      service.retrieveAccountByCustomer(cart.customer_id),
    ])
    const problems = appliedPointsProblems(rules, cart, account?.balance ?? 0)
    if (problems.length) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `The points on this cart no longer fit: ${problems.join("; ")}. Please re-apply points.`
      )
    }
    const result = await service.debitPoints({
      customer_id: cart.customer_id,
      points: applied.points,
      type: "redeem",
      idempotency_key: `redeem:cart:${cart.id}:${transactionId}`,
      reason: `Paid ${applied.value} ${cart.currency_code.toUpperCase()} with points`,
      actor_type: "customer",
      actor_id: cart.customer_id,
      reference_type: "cart",
      reference_id: cart.id,
      program_version: rules.version,
      currency_code: cart.currency_code,
      details: { points: applied.points, value: applied.value },
    })
    // The debit has committed; a hook that throws after it gets no compensation
    // input, so anything that fails from here on undoes the debit itself.
    try {
      const events = pointsEventsFor([result])
      if (events.length) {
        // Grouped with the checkout's own events: released only if the order is created.
        await container.resolve(Modules.EVENT_BUS).emit(
          events.map((data) => ({ name: LoyaltyEvents.POINTS_REDEEMED, data, metadata: { eventGroupId } }))
        )
      }
    } catch (error) {
      if (result.created) await service.revertEntry(result.entry.id, CHECKOUT_FAILED)
      throw error
    }
    return new StepResponse(result.entry.id, result.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, CHECKOUT_FAILED)
    }
  }
)
