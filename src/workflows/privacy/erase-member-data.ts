import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { eraseInsightsMemberDataStep } from "./steps/erase-insights-member-data"
import { erasePointsMemberDataStep } from "./steps/erase-points-member-data"
import { eraseReferralMemberDataStep } from "./steps/erase-referral-member-data"
import { eraseTierMemberDataStep } from "./steps/erase-tier-member-data"

export const eraseMemberDataWorkflowId = "loyalty-erase-member-data"

/**
 * Erase a member's personal data from every plugin table (a request to be
 * forgotten, and every `customer.deleted`): birthday, staff's notes and
 * adjustment reasons, referral code and claim addresses, insight rows and
 * feedback comments. The ledger's amounts, lots, tier history and referral
 * payments stay under the customer's id (an id of a deleted customer points
 * at nobody), so the liability, KPIs and budgets stay right. Each module's
 * part is its own step; erasure is final (no compensation) and idempotent.
 *
 * @summary Erase a member's personal data, keeping the ledger's amounts.
 *
 * @example
 * await eraseMemberDataWorkflow(container).run({ input: { customer_id: "cus_123" } })
 */
export const eraseMemberDataWorkflow = createWorkflow(eraseMemberDataWorkflowId, (input: { customer_id: string }) => {
  const points = erasePointsMemberDataStep(input)
  const referrals = eraseReferralMemberDataStep(input)
  const tiers = eraseTierMemberDataStep(input)
  const insights = eraseInsightsMemberDataStep(input)
  return new WorkflowResponse(
    transform({ points, referrals, tiers, insights }, ({ points, referrals, tiers, insights }) => ({
      customer_id: input.customer_id,
      erased: { points, referrals, tiers, insights },
    }))
  )
})
