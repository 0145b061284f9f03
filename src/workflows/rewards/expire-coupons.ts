import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents } from "../../lib/shared/events"
import { closeExpiredCouponsStep } from "./steps/close-expired-coupons"
import { settleUnfinishedCouponsStep } from "./steps/settle-unfinished-coupons"

export const expireCouponsWorkflowId = "loyalty-expire-coupons"

/**
 * The daily coupon pass: first settle purchases that died part-way (finish
 * them, or give their points back), then close expired coupons and refund
 * the unused ones whose terms say so. `closed` and `refunded` count the
 * expired coupons; `unfinished` the purchases settled. A purchase finished
 * here sends the `loyalty.coupon.issued` it never sent.
 *
 * @summary Settle unfinished coupon purchases and expire coupons bought with points.
 */
export const expireCouponsWorkflow = createWorkflow(expireCouponsWorkflowId, (input: { now: Date }) => {
  const settled = settleUnfinishedCouponsStep(input)
  when({ settled }, ({ settled }) => settled.issued.length > 0).then(() =>
    emitEventStep({ eventName: LoyaltyEvents.COUPON_ISSUED, data: transform({ settled }, ({ settled }) => settled.issued) })
  )
  const expired = closeExpiredCouponsStep(input)
  return new WorkflowResponse(transform({ settled, expired }, ({ settled, expired }) => ({ ...expired, unfinished: settled.counts })))
})
