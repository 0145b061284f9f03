import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { loadCanceledOrderCouponsStep } from "./steps/load-canceled-order-coupons"
import { refundOrderCouponsStep } from "./steps/refund-order-coupons"

export const refundCanceledOrderCouponsWorkflowId = "loyalty-refund-canceled-order-coupons"

/**
 * A canceled order gives back the points of the coupons bought with points
 * that it used, as it gives back points spent on it: Medusa's cancel leaves
 * the promotion used (the code stays spent), so without this the shopper
 * lost both the coupon and its points. Run on `order.canceled`; idempotent
 * (one refund per coupon, whoever asks).
 *
 * @summary Refund the coupons a canceled order used.
 */
export const refundCanceledOrderCouponsWorkflow = createWorkflow(
  refundCanceledOrderCouponsWorkflowId,
  (input: { order_id: string }) => {
    const used = loadCanceledOrderCouponsStep(input)
    return new WorkflowResponse(refundOrderCouponsStep(used))
  }
)
