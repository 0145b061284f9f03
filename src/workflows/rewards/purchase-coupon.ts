import { acquireLockStep, createPromotionsWorkflow, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { couponPurchaseLockKey } from "../../lib/rewards/rules"
import { LoyaltyEvents } from "../../lib/shared/events"
import { debitPointsStep } from "../points/steps/debit-points"
import { finalizeCouponStep } from "./steps/finalize-coupon"
import { planCouponStep, PurchaseCouponInput } from "./steps/plan-coupon"
import { reserveCouponStep } from "./steps/reserve-coupon"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

export const purchaseCouponWorkflowId = "loyalty-purchase-coupon"

/**
 * Turn points into a coupon: debit the reward's cost and create a single-use
 * Medusa promotion (`limit: 1`) whose rule binds it to the buyer
 * (`customer.id`), inside a campaign that ends when the coupon expires. A
 * failure at any step gives the points back and removes what was created;
 * a run whose process dies part-way is settled by the daily coupon pass
 * (`expireCouponsWorkflow`: finished, or its points given back), because no
 * workflow engine resumes a run its process lost. A retried request with the
 * same key waits for the first (a lock on the key) and returns the coupon it
 * bought; a key sent for another reward, or whose purchase died, is refused
 * with a 400 that says so (`reserveCoupon`).
 *
 * @summary Buy a coupon with points.
 *
 * @property hooks.validate - Runs after the purchase is planned and before anything is written
 *   (`{ input, plan }`): throw to refuse the purchase.
 * @property hooks.couponPurchased - Runs after the coupon is issued, or found from an earlier
 *   request with the same key (`{ coupon, created, additional_data }`).
 */
export const purchaseCouponWorkflow = createWorkflow(purchaseCouponWorkflowId, (input: PurchaseCouponInput) => {
  const lockKey = transform({ input }, ({ input }) => couponPurchaseLockKey(input.customer_id, input.idempotency_key))
  acquireLockStep({ key: lockKey, timeout: 10, ttl: 30 })
  const plan = planCouponStep(input)
  const validate = createHook("validate", { input, plan })
  const reserved = reserveCouponStep(transform({ plan }, ({ plan }) => plan.reservation))

  const issued = when({ reserved }, ({ reserved }) => reserved.created).then(() => {
    const payment = debitPointsStep(
      transform({ reserved, plan }, ({ reserved, plan }) => ({
        customer_id: reserved.coupon.customer_id,
        points: reserved.coupon.points_spent,
        type: "redeem" as const,
        idempotency_key: IdempotencyKeys.couponRedemption(reserved.coupon.id),
        reason: `Coupon ${reserved.coupon.code}: ${plan.reward_name}`,
        actor_type: "customer" as const,
        actor_id: reserved.coupon.customer_id,
        reference_type: ReferenceTypes.COUPON,
        reference_id: reserved.coupon.id,
        currency_code: reserved.coupon.currency_code,
      }))
    )
    const promotions = createPromotionsWorkflow.runAsStep({
      input: transform({ plan }, ({ plan }) => ({ promotionsData: [plan.promotion] })),
    })
    const coupon = finalizeCouponStep(
      transform({ reserved, payment, promotions }, ({ reserved, payment, promotions }) => ({
        id: reserved.coupon.id,
        entry_id: payment.entry.id,
        promotion_id: promotions[0].id,
      }))
    )
    emitEventStep({
      eventName: LoyaltyEvents.COUPON_ISSUED,
      data: transform({ coupon, plan }, ({ coupon, plan }) => ({
        id: coupon.id,
        customer_id: coupon.customer_id,
        reward_id: coupon.reward_id,
        code: coupon.code,
        points: coupon.points_spent,
        reward_name: plan.reward_name,
      })),
    })
    return coupon
  })

  const result = transform({ reserved, issued }, ({ reserved, issued }) => ({
    coupon: issued ?? reserved.coupon,
    created: reserved.created,
  }))
  const couponPurchased = createHook("couponPurchased", {
    coupon: transform({ result }, ({ result }) => result.coupon),
    created: transform({ result }, ({ result }) => result.created),
    additional_data: input.additional_data,
  })
  releaseLockStep({ key: lockKey })
  return new WorkflowResponse(result, { hooks: [validate, couponPurchased] })
})
