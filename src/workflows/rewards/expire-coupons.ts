import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { closeExpiredCouponsStep } from "./steps/close-expired-coupons"
import { settleUnfinishedCouponsStep } from "./steps/settle-unfinished-coupons"

export const expireCouponsWorkflowId = "loyalty-expire-coupons"

/**
 * The daily coupon pass: first settle purchases that died part-way (finish
 * them, or give their points back), then close expired coupons and refund
 * the unused ones whose terms say so. `closed` and `refunded` count the
 * expired coupons; `unfinished` the purchases settled.
 *
 * @summary Settle unfinished coupon purchases and expire coupons bought with points.
 */
export const expireCouponsWorkflow = createWorkflow(expireCouponsWorkflowId, (input: { now: Date }) => {
  const unfinished = settleUnfinishedCouponsStep(input)
  const expired = closeExpiredCouponsStep(input)
  return new WorkflowResponse(transform({ unfinished, expired }, ({ unfinished, expired }) => ({ ...expired, unfinished })))
})
