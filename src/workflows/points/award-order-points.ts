import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { ORDER_LOCK, OrderLockKeys } from "../../lib/shared/order-locks"
import { CampaignAwardedEventData, LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { ReservedAward } from "../../modules/loyalty-campaigns/types"
import { OrderEarning, orderEarning, withCampaignAwards } from "../../lib/points/order-points"
import { withLineFacts } from "../campaigns/steps/campaign-facts"
import { reserveCampaignAwardsStep } from "../campaigns/steps/reserve-campaign-awards"
import { releaseUnissuedCampaignAwardsStep } from "../campaigns/steps/release-unissued-campaign-awards"
import { loadOrderForPointsStep } from "./steps/load-order-for-points"
import { loadEarningTermsStep } from "./steps/load-earning-terms"
import { recordOrderEarningStep } from "./steps/record-order-earning"
import { orderFacts } from "./steps/record-order-facts"
import { attachCartRedemptionStep } from "../redemption/steps/attach-cart-redemption"

export const awardOrderPointsWorkflowId = "loyalty-award-order-points"

export type AwardOrderPointsInput = { order_id: string } & AdditionalData

/**
 * Award a member's order its points, pending until the return window ends.
 * Runs on `order.placed` and from the release job's catch-up, which is why it
 * is idempotent by order: however often it runs, the order earns once. The
 * customer's tier in effect when the order was placed multiplies the points;
 * the per-product earning rules weight its lines; the campaigns running at
 * its placement time add points under the stacking policy, within their
 * budgets and per-customer caps (reserved before the entry is written, given
 * back if writing it fails). The entry's details name each campaign, its
 * version and its points, so a reversal uses those terms. What earning read of
 * the order is kept in one row (`loyalty_order_fact`) for the what-if replay.
 *
 * @summary Award an order's points as pending.
 *
 * @property hooks.validate - Runs after the order is read and before anything is written
 *   (`{ input, order }`; `order` is null for an order that earns nothing): throw to refuse the award.
 * @property hooks.pointsAwarded - Runs after the entry is written (`{ order_id, result, additional_data }`;
 *   `result` is null when nothing was earned, `result.created` false when the order had earned already).
 *
 * @example
 * await awardOrderPointsWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const awardOrderPointsWorkflow = createWorkflow(
  awardOrderPointsWorkflowId,
  (input: AwardOrderPointsInput) => {
    // One award of an order at a time (redelivered events, the catch-up): a run that fails gives its
    // campaign reservations back before another run of the same order reads them.
    const lockKey = transform({ input }, ({ input }) => OrderLockKeys.award(input.order_id))
    acquireLockStep({ key: lockKey, ...ORDER_LOCK, executeOnSubWorkflow: true })
    const order = loadOrderForPointsStep({ order_id: input.order_id })
    const validate = createHook("validate", { input, order })
    attachCartRedemptionStep(
      transform({ order }, ({ order }) => (order ? { cart_id: order.cart_id, order_id: order.id } : null))
    )
    const terms = loadEarningTermsStep(
      transform({ order }, ({ order }) =>
        order ? { order_id: order.id, customer_id: order.customer_id, is_member: order.is_member, at: order.created_at } : null
      )
    )
    const planned = transform({ order, terms }, ({ order, terms: { rules, tier, facts } }) =>
      orderEarning(order ? { ...order, items: withLineFacts(order.items, facts) } : null, rules, tier, facts?.inputs ?? null)
    )
    const reserved = reserveCampaignAwardsStep(
      transform({ planned }, ({ planned }) =>
        planned?.details.campaigns?.length
          ? {
              order_id: planned.order_id,
              customer_id: planned.customer_id,
              currency_code: planned.currency_code,
              order_amount: planned.details.items_net,
              awards: planned.details.campaigns.map((c) => ({
                campaign_id: c.campaign_id,
                campaign_version: c.version,
                requested_points: c.requested_points,
              })),
            }
          : null
      )
    )
    const earning = transform({ planned, reserved }, ({ planned, reserved }) => withCampaignAwards(planned, reserved))

    // What earning read of the order, kept for the what-if replay (a guest's order too), written with the entry.
    const read = transform({ order }, ({ order }) => (order ? orderFacts(order) : null))
    const result = recordOrderEarningStep({ earning, facts: read })
    // Budget and caps count only points issued: an order that had earned already keeps no new reservation.
    const standing = when({ reserved }, ({ reserved }) => reserved.some((r) => r.created_id !== null)).then(() =>
      releaseUnissuedCampaignAwardsStep(
        transform({ reserved, result }, ({ reserved, result }) => ({ reserved, issued: !!result?.created }))
      )
    )

    const events = transform({ result }, ({ result }) => pointsEventsFor([result]))
    when({ events }, ({ events }) => events.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: events })
    )
    const awarded = transform({ planned, standing }, ({ planned, standing }) =>
      campaignAwardedEvents(planned, standing ?? [])
    )
    when({ awarded }, ({ awarded }) => awarded.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.CAMPAIGN_AWARDED, data: awarded }).config({ name: "loyalty-emit-campaign-awarded-step" })
    )
    releaseLockStep({ key: lockKey, executeOnSubWorkflow: true })
    const pointsAwarded = createHook("pointsAwarded", {
      order_id: input.order_id,
      result,
      additional_data: input.additional_data,
    })
    return new WorkflowResponse(result, { hooks: [validate, pointsAwarded] })
  }
)

/** One `loyalty.campaign.awarded` per campaign this run reserved points for (none on a replay). */
function campaignAwardedEvents(planned: OrderEarning | null, reserved: ReservedAward[]): CampaignAwardedEventData[] {
  if (!planned) return []
  return reserved
    .filter((r) => r.created_id && r.points > 0)
    .map((r) => ({
      campaign_id: r.campaign_id,
      campaign_version: planned.details.campaigns?.find((c) => c.campaign_id === r.campaign_id)?.version ?? 0,
      customer_id: planned.customer_id,
      order_id: planned.order_id,
      points: r.points,
      budget_exhausted: r.budget_exhausted,
    }))
}
