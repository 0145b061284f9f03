import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { appliedPointsProblems } from "../../lib/points/cart-points"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { appliedPoints } from "../../lib/points/redemption"
import { cartPromotionCodes, couponOwnerOnly, couponUseProblem } from "../../lib/rewards/rules"
import { CheckoutActor, checkoutActor } from "./checkout-actor"
import { pointsService } from "../points/steps/resolve-service"
import { refundClosedCoupons } from "../rewards/refund-closed-coupons"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

const CHECKOUT_FAILED = "Checkout did not complete: points returned"
const CHECKOUT_ABANDONED = "An earlier checkout attempt did not complete: points returned"

/** What one completion attempt did, and so what undoing it means. */
type CheckoutHold = { cart_id: string; entry_id: string | null; coupon_ids: string[] }

/**
 * Check and hold what the loyalty program pays on a cart as it completes:
 * the coupons bought with points and the points applied. This is the
 * `validate` hook: Medusa's own loyalty plugin does not hold it (each hook
 * takes one handler per app), and it runs before the order exists, so a
 * refusal stops the checkout with a 400 and nothing to undo.
 *
 * - A retried `/complete` on a completed cart runs this hook again: skip it.
 * - Coupons: Medusa does not re-check promotions at completion, so a coupon
 *   that expired, was closed or was used since it was put on the cart is
 *   refused here; an open one is held by this cart (`claimCoupons`), which
 *   the expiry job respects: a coupon is used or refunded, never both.
 * - Points: the cart may have changed since they were applied (items,
 *   promotions, the program): re-check every rule and ask to re-apply.
 * - The debit is keyed per completion attempt, so an attempt that fails
 *   after the debit (payment refused) is compensated by a `restore` entry and
 *   the next attempt debits again, exactly once; an earlier attempt whose
 *   compensation never ran is given back first (`returnAbandonedDebits`). The undo gives back the
 *   lots the debit took and takes the debit out of the order's count, so the
 *   order that a retry places counts its points once.
 * - Whatever fails inside this handler after a write (announcing the debit on
 *   the event bus, say) undoes what the handler did before the error stops
 *   the checkout: Medusa compensates a failed step with no input, so it
 *   cannot.
 *
 * - Who: only the cart's logged-in owner may spend them. Medusa gives the
 *   hook no auth context; the store route's middleware puts the actor in
 *   `checkoutActor`, and a completion from elsewhere (a payment webhook) has none.
 */
completeCartWorkflow.hooks.validate(
  async ({ cart }, { container, transactionId, eventGroupId }) => {
    if (cart.completed_at) {
      return new StepResponse(null, null)
    }
    const actor = checkoutActor.getStore()
    if (actor && actor.customer_id !== cart.customer_id && appliedPoints(cart).points > 0) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used by the cart's owner, logged in")
    }
    const hold: CheckoutHold = { cart_id: cart.id, entry_id: null, coupon_ids: [] }
    try {
      await holdCoupons(container, cart, actor, hold)
      await debitAppliedPoints(container, cart, transactionId, eventGroupId, hold)
    } catch (error) {
      await undoHold(container, hold)
      throw error
    }
    return new StepResponse(null, hold.entry_id || hold.coupon_ids.length ? hold : null)
  },
  async (hold, { container }) => {
    if (hold) await undoHold(container, hold)
  }
)

type HookCart = Parameters<Parameters<typeof completeCartWorkflow.hooks.validate>[0]>[0]["cart"]

/** Refuse loyalty coupons that can no longer pay for this cart, and hold the rest for it. */
async function holdCoupons(
  container: MedusaContainer,
  cart: HookCart,
  actor: CheckoutActor | undefined,
  hold: CheckoutHold
) {
  const codes = cartPromotionCodes(cart)
  if (!codes.length) return
  const service = pointsService(container)
  const coupons = await service.listCoupons({ code: codes })
  if (!coupons.length) return
  if (actor && actor.customer_id !== cart.customer_id) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, couponOwnerOnly(coupons[0].code))
  }
  const promotionIds = coupons.map((coupon) => coupon.promotion_id).filter((id): id is string => !!id)
  const { data: promotions } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "promotion",
    fields: ["id", "used", "limit"],
    filters: { id: promotionIds },
  })
  const byId = new Map(promotions.map((p) => [p.id, { used: p.used ?? 0, limit: p.limit ?? null }]))
  const now = new Date()
  for (const coupon of coupons) {
    const promotion = coupon.promotion_id ? byId.get(coupon.promotion_id) ?? null : null
    const problem = couponUseProblem(coupon, promotion, cart.customer_id ?? null, now)
    if (problem) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, problem)
  }
  hold.coupon_ids = await service.claimCoupons(
    coupons.map((coupon) => coupon.id),
    cart.id,
    now
  )
  const missed = coupons.find((coupon) => !hold.coupon_ids.includes(coupon.id))
  if (missed) {
    // Closed by the expiry job or held by another checkout a moment ago.
    const [latest] = await service.listCoupons({ id: missed.id })
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      latest?.expired_at
        ? `Coupon ${missed.code} has expired: remove it from the cart`
        : `Coupon ${missed.code} is being used by another checkout`
    )
  }
}

/** Re-check the points applied to the cart and debit them, announcing the debit with the checkout's events. */
async function debitAppliedPoints(
  container: MedusaContainer,
  cart: HookCart,
  transactionId: string | undefined,
  eventGroupId: string | undefined,
  hold: CheckoutHold
) {
  const applied = appliedPoints(cart)
  if (applied.points <= 0) return
  if (!cart.customer_id || !cart.customer?.has_account) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used by a logged-in member")
  }
  const service = pointsService(container)
  await returnAbandonedDebits(container, cart)
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
    idempotency_key: IdempotencyKeys.cartRedemption(cart.id, String(transactionId)),
    reason: `Paid ${applied.value} ${cart.currency_code.toUpperCase()} with points`,
    actor_type: "customer",
    actor_id: cart.customer_id,
    reference_type: ReferenceTypes.CART,
    reference_id: cart.id,
    program_version: rules.version,
    currency_code: cart.currency_code,
    details: { points: applied.points, value: applied.value },
  })
  if (result.created) hold.entry_id = result.entry.id
  const events = pointsEventsFor([result])
  if (events.length) {
    // Grouped with the checkout's own events: released only if the order is created.
    await container.resolve(Modules.EVENT_BUS).emit(
      events.map((data) => ({ name: LoyaltyEvents.POINTS_REDEEMED, data, metadata: { eventGroupId } }))
    )
  }
}

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
async function returnAbandonedDebits(container: MedusaContainer, cart: HookCart) {
  const service = pointsService(container)
  const abandoned = await service.listEntries(
    { reference_type: ReferenceTypes.CART, reference_id: cart.id, type: "redeem", voided_at: null, order_id: null },
    { select: ["id"] }
  )
  for (const entry of abandoned) {
    await service.revertEntry(entry.id, CHECKOUT_ABANDONED)
  }
}

/**
 * Undo a completion attempt: give the debited points back (same lots,
 * same expiries) and let go of the coupons; a coupon the expiry job closed
 * while this checkout held it is refunded now, as the job would have.
 */
async function undoHold(container: MedusaContainer, hold: CheckoutHold) {
  const service = pointsService(container)
  if (hold.entry_id) {
    await service.revertEntry(hold.entry_id, CHECKOUT_FAILED)
  }
  const closed = await service.releaseCouponClaims(hold.coupon_ids, hold.cart_id)
  if (closed.length) {
    await refundClosedCoupons(container, closed, new Date())
  }
}
