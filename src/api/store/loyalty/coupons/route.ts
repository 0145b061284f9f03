import { randomUUID } from "crypto"
import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { couponStatus } from "../../../../lib/rewards/rules"
import { CouponRecord } from "../../../../modules/loyalty-points/types"
import { purchaseCouponWorkflow } from "../../../../workflows/rewards"
import { pointsModule } from "../../../utils/views"
import { StorePurchaseCouponType } from "../validators"

/** Coupons as the shopper sees them: each with its reward's name and its status now (from its promotion's usage). */
async function couponViews(scope: MedusaContainer, coupons: CouponRecord[]) {
  const promotionIds = coupons.map((c) => c.promotion_id).filter((id): id is string => !!id)
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: promotions } = promotionIds.length
    ? await query.graph({ entity: "promotion", fields: ["id", "used", "limit"], filters: { id: promotionIds } })
    : { data: [] }
  const byId = new Map(promotions.map((p) => [p.id, { used: p.used ?? 0, limit: p.limit ?? null }]))
  const rewards = await pointsModule(scope).listRewards({ id: [...new Set(coupons.map((c) => c.reward_id))] }, { withDeleted: true })
  const names = new Map(rewards.map((r) => [r.id, r.name]))
  const now = new Date()
  return coupons.map((coupon) => ({
    id: coupon.id,
    code: coupon.code,
    reward_id: coupon.reward_id,
    reward_name: names.get(coupon.reward_id) ?? null,
    currency_code: coupon.currency_code,
    points_spent: coupon.points_spent,
    expires_at: coupon.expires_at,
    created_at: coupon.created_at,
    status: couponStatus(coupon, coupon.promotion_id ? byId.get(coupon.promotion_id) ?? null : null, now),
  }))
}

/** The logged-in shopper's coupons, newest first, each active, used, expired or pending (its purchase not finished). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const coupons = await pointsModule(req.scope).listCoupons(
    { customer_id: req.auth_context.actor_id },
    { order: { created_at: "DESC" }, take: 200 }
  )
  res.json({ coupons: await couponViews(req.scope, coupons) })
}

/**
 * Buy a coupon with points. Send an `Idempotency-Key` header: a repeated
 * request with the same key answers the coupon bought the first time as it
 * is now (201 when bought by this request, 200 for a replay); a 400 says the
 * key was sent for another reward or its purchase did not complete, a 409
 * that it is still running (send it again).
 */
export async function POST(req: AuthenticatedMedusaRequest<StorePurchaseCouponType>, res: MedusaResponse) {
  const { result } = await purchaseCouponWorkflow(req.scope).run({
    input: {
      customer_id: req.auth_context.actor_id,
      reward_id: req.validatedBody.reward_id,
      currency_code: req.validatedBody.currency_code ?? null,
      idempotency_key: req.get("idempotency-key") ?? randomUUID(),
      now: new Date(),
    },
  })
  const [coupon] = await couponViews(req.scope, [result.coupon])
  res.status(result.created ? 201 : 200).json({ coupon })
}
