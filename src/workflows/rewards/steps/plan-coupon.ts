import type { AdditionalData } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { addDays } from "../../../lib/shared/dates"
import { couponApplicationMethod, couponCurrency, generateCouponCode, RewardRules, rewardUnavailableReason } from "../../../lib/rewards/rules"
import { pointsService } from "../../points/steps/resolve-service"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"

export const planCouponStepId = "loyalty-plan-coupon-step"

export type PurchaseCouponInput = {
  customer_id: string
  reward_id: string
  currency_code?: string | null
  /** One key per purchase request: a double click buys one coupon. */
  idempotency_key: string
  now: Date
} & AdditionalData

/**
 * Check the reward can be bought now, in which currency, and prepare the
 * coupon: a fresh code, its expiry and the promotion that will enforce it.
 * A request whose key already bought a coupon is a replay (the shopper's
 * retry of a purchase whose answer was lost): it is not a new purchase, so
 * the reward need not be on offer any more (staff may have switched it off
 * or deleted it since); the reservation then answers it with that coupon.
 */
export const planCouponStep = createStep(planCouponStepId, async (input: PurchaseCouponInput, { container }) => {
  const service = pointsService(container)
  const idempotencyKey = IdempotencyKeys.couponPurchase(input.customer_id, input.idempotency_key)
  const [[reward], [bought]] = await Promise.all([
    service.listRewards({ id: input.reward_id }, { withDeleted: true }),
    service.listCoupons({ idempotency_key: idempotencyKey }, { select: ["id"], withDeleted: true }),
  ])
  if (!reward || (reward.deleted_at && !bought)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Reward ${input.reward_id} was not found`)
  }
  const now = new Date(input.now)
  const rules: RewardRules = reward
  const unavailable = bought ? null : rewardUnavailableReason(rules, now)
  if (unavailable) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, unavailable)
  }
  let currency: string | null
  try {
    currency = couponCurrency(rules, input.currency_code)
  } catch (error) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, (error as Error).message)
  }
  const code = generateCouponCode()
  const expiresAt = addDays(now, reward.valid_days)
  return new StepResponse({
    reservation: {
      customer_id: input.customer_id,
      reward_id: reward.id,
      code,
      currency_code: currency,
      points_spent: reward.points_cost,
      expires_at: expiresAt,
      refund_on_expiry: reward.refund_on_expiry,
      idempotency_key: idempotencyKey,
      per_customer_limit: reward.per_customer_limit ?? null,
    },
    reward_name: reward.name,
    promotion: {
      code,
      type: "standard" as const,
      status: "active" as const,
      is_automatic: false,
      limit: 1,
      rules: [{ attribute: "customer.id", operator: "eq" as const, values: [input.customer_id] }],
      application_method: couponApplicationMethod(rules, currency),
      campaign: {
        name: `Loyalty coupon ${code}`,
        campaign_identifier: `loyalty-coupon-${code}`,
        starts_at: now,
        ends_at: expiresAt,
      },
      metadata: { loyalty_coupon: true, customer_id: input.customer_id, reward_id: reward.id },
    },
  })
})
