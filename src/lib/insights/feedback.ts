import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"

/** What the feedback rules need to know about the rated order. */
export type FeedbackOrder = {
  display_id: number | null
  status: string
  /** Cash captured and refunded on the order (its `capture` and `refund` transactions). */
  captured: BigNumberInput
  refunded: BigNumberInput
}

const label = (order: FeedbackOrder) => (order.display_id ? `Order #${order.display_id}` : "This order")

/** Why feedback on this order is refused, or null: a canceled order takes no feedback. */
export function feedbackRefusal(order: FeedbackOrder): string | null {
  return order.status === "canceled" ? `${label(order)} was canceled: it takes no feedback` : null
}

/**
 * The points a piece of feedback earns: the merchant's `feedback_points`, but
 * only for an order that is paid (more cash captured than refunded) and not
 * canceled. Feedback on an unpaid order is still recorded; it earns nothing,
 * and `reason` says why.
 */
export function feedbackPoints(
  order: FeedbackOrder,
  feedbackPointsSetting: number
): { points: number; reason: string | null } {
  if (feedbackPointsSetting <= 0) return { points: 0, reason: null }
  if (order.status === "canceled") return { points: 0, reason: `${label(order)} was canceled` }
  if (!MathBN.gt(MathBN.sub(order.captured, order.refunded), 0)) {
    return { points: 0, reason: `${label(order)} is not paid yet: feedback points are paid for paid orders` }
  }
  return { points: feedbackPointsSetting, reason: null }
}

/** The key of the feedback credit on an order, and of the entry that takes it back when the order is canceled. */
