import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { CouponRecord } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const loadCanceledOrderCouponsStepId = "loyalty-load-canceled-order-coupons-step"

export type CanceledOrderCoupons = {
  order: { id: string; display_id: number | null } | null
  coupons: Pick<CouponRecord, "id" | "code" | "customer_id" | "entry_id" | "points_spent">[]
}

type Adjusted = { adjustments?: ({ promotion_id?: string | null } | null)[] | null } | null

/**
 * The coupons bought with points that a canceled order used: the order's
 * promotions (its items' and shipping methods' adjustments) that are the
 * promotion of one of its customer's coupons. Medusa's cancel keeps a
 * promotion's usage, so the code stays spent; nothing for an order that is
 * not canceled.
 */
export const loadCanceledOrderCouponsStep = createStep(
  loadCanceledOrderCouponsStepId,
  async (input: { order_id: string }, { container }) => {
    const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
      entity: "order",
      fields: ["id", "display_id", "status", "customer_id", "items.adjustments.promotion_id", "shipping_methods.adjustments.promotion_id"],
      filters: { id: input.order_id },
    })
    const order = data[0]
    if (!order || order.status !== "canceled" || !order.customer_id) {
      return new StepResponse<CanceledOrderCoupons>({ order: null, coupons: [] })
    }
    const adjusted = [...(order.items ?? []), ...(order.shipping_methods ?? [])] as Adjusted[]
    const promotionIds = [...new Set(adjusted.flatMap((line) => (line?.adjustments ?? []).map((a) => a?.promotion_id)))].filter(
      (id): id is string => !!id
    )
    const coupons = promotionIds.length
      ? await pointsService(container).listCoupons({ promotion_id: promotionIds, customer_id: order.customer_id })
      : []
    return new StepResponse<CanceledOrderCoupons>({
      order: { id: order.id, display_id: order.display_id ?? null },
      coupons: coupons.filter((coupon) => coupon.entry_id),
    })
  }
)
