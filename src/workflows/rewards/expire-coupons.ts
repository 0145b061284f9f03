import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { closeExpiredCouponsStep } from "./steps/close-expired-coupons"

export const expireCouponsWorkflowId = "loyalty-expire-coupons"

/**
 * Close expired coupons and refund the unused ones whose reward says so.
 *
 * @summary Expire coupons bought with points.
 */
export const expireCouponsWorkflow = createWorkflow(expireCouponsWorkflowId, (input: { now: Date }) => {
  return new WorkflowResponse(closeExpiredCouponsStep(input))
})
