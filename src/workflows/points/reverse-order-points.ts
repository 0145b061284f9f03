import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { ORDER_LOCK, OrderLockKeys } from "../../lib/shared/order-locks"
import { expiryDate } from "../../lib/shared/dates"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { orderLabel, orderPointsTargets } from "../../lib/points/order-points"
import { loadOrderForPointsStep } from "./steps/load-order-for-points"
import { loadOrderLedgerStep } from "./steps/load-order-ledger"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { recordRestoredCreditLineStep } from "./steps/record-restored-credit-line"
import { attachCartRedemptionStep } from "../redemption/steps/attach-cart-redemption"
import { restoreOrderRedemptionStep } from "../redemption/steps/restore-order-redemption"
import { reverseOrderPointsStep } from "./steps/reverse-order-points"

export const reverseOrderPointsWorkflowId = "loyalty-reverse-order-points"

/** The lock that lets one recomputation of an order's points run at a time (Medusa's locking module). */
export const orderPointsLockKey = OrderLockKeys.recompute

export type ReverseOrderPointsInput = {
  order_id: string
  /** What asked for the recomputation, kept on the entries: an event name (and id) or "release-job". */
  trigger: string
} & AdditionalData

/**
 * Recompute an order's points from the order as it now stands and post only
 * the differences (`orderPointsTargets`): the value it lost comes back in
 * points first (and Medusa is told, so it suggests refunding only the rest in
 * cash), then what it earns follows its kept items and the cash still paid,
 * up or down, as one entry. Points of the order that expired unused in its
 * own lots are gone already and are not taken back again: the ledger posts
 * the difference with `orderPointsCorrection`. Cancel, returns, refunds,
 * credit lines, edits, exchanges and claims all run this one rule, so no
 * trigger counts twice and a redelivered event posts nothing.
 *
 * One recomputation of an order runs at a time (a lock on the order, held
 * from the read to the last write): triggers arrive together (an edit's
 * event and the release job, an event delivered to two workers), and two
 * runs that read the order before either wrote would both tell Medusa about
 * the same points given back, as two order changes from the same version,
 * which leaves Medusa's order counting its items twice.
 *
 * @summary Bring an order's points in line with the order as it now stands.
 *
 * @property hooks.validate - Runs after the order is read and before anything is written
 *   (`{ input, order }`): throw to refuse the recomputation (the trigger's handler then fails).
 * @property hooks.pointsReversed - Runs after the entries are written
 *   (`{ order_id, restored, result, additional_data }`; null where nothing was posted).
 */
export const reverseOrderPointsWorkflow = createWorkflow(
  reverseOrderPointsWorkflowId,
  (input: ReverseOrderPointsInput) => {
    const lockKey = transform({ input }, ({ input }) => orderPointsLockKey(input.order_id))
    // Also when run inside the release job's workflow: the lock is about the order, not the caller.
    acquireLockStep({ key: lockKey, ...ORDER_LOCK, executeOnSubWorkflow: true })
    const order = loadOrderForPointsStep({ order_id: input.order_id, refunds: true })
    const validate = createHook("validate", { input, order })
    // Points spent at checkout were debited before the order existed.
    attachCartRedemptionStep(
      transform({ order }, ({ order }) => (order ? { cart_id: order.cart_id, order_id: order.id } : null))
    )
    const ledger = loadOrderLedgerStep(
      transform({ order }, ({ order }) => (order?.customer_id ? { order_id: order.id } : null))
    )
    const rules = loadProgramRulesStep()

    const plan = transform({ order, ledger, input, rules }, ({ order, ledger, input, rules }) => {
      if (!order?.customer_id || !order.money || !ledger) return null
      const canceled = order.status === "canceled"
      const targets = orderPointsTargets({
        canceled,
        money: order.money,
        redeemed: ledger.summary.redeemed,
        restored: ledger.summary.restored,
        earning: ledger.earning,
      })
      const label = orderLabel(order)
      const currency = order.currency_code.toUpperCase()
      // A lot earned now expires after the program's months; points given back keep their own lots' dates.
      const expires_at = expiryDate(new Date(), rules.expiry_months)
      const details = {
        trigger: input.trigger,
        value: order.money.value,
        items_total: order.money.items_total,
        items_net: order.money.items_net,
        points_still_paid: targets.points_still_paid,
        other_credit: order.money.other_credit,
        eligible_amount: targets.eligible_amount,
      }
      return {
        order_id: order.id,
        canceled,
        money: order.money,
        restored_value: targets.restored_value,
        restore: {
          order_id: order.id,
          customer_id: order.customer_id,
          canceled,
          target: targets.restored,
          reason: canceled
            ? `${label} canceled: points spent on it returned`
            : `${label}: worth less than when placed, points spent on it returned first`,
          expires_at,
          details,
        },
        settle:
          targets.earned === null
            ? null
            : {
                order_id: order.id,
                customer_id: order.customer_id,
                canceled,
                target: targets.earned,
                reason: canceled
                  ? `${label} canceled`
                  : `${label}: now earns on ${targets.eligible_amount} ${currency}`,
                details,
                expires_at,
              },
      }
    })

    const restored = restoreOrderRedemptionStep(transform({ plan }, ({ plan }) => plan?.restore ?? null))
    // Not on cancel: Medusa refunds a canceled order's payments itself.
    recordRestoredCreditLineStep(
      transform({ plan, restored }, ({ plan, restored }) =>
        plan && !plan.canceled
          ? {
              order_id: plan.order_id,
              restored_value: plan.restored_value,
              recorded_value: plan.money.points_credit_restored,
              entry_id: restored?.entry.id ?? null,
            }
          : null
      )
    )
    const result = reverseOrderPointsStep(transform({ plan }, ({ plan }) => plan?.settle ?? null))
    releaseLockStep({ key: lockKey, executeOnSubWorkflow: true })

    const restoredEvents = transform({ restored }, ({ restored }) => pointsEventsFor([restored]))
    when({ restoredEvents }, ({ restoredEvents }) => restoredEvents.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_RESTORED, data: restoredEvents }).config({
        name: "loyalty-emit-points-restored-step",
      })
    )
    const reversed = transform({ result }, ({ result }) => pointsEventsFor([result]).filter((e) => e.points < 0))
    when({ reversed }, ({ reversed }) => reversed.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_REVERSED, data: reversed })
    )
    const earned = transform({ result }, ({ result }) => pointsEventsFor([result]).filter((e) => e.points > 0))
    when({ earned }, ({ earned }) => earned.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: earned }).config({ name: "loyalty-emit-points-earned-step" })
    )
    const pointsReversed = createHook("pointsReversed", {
      order_id: input.order_id,
      restored,
      result,
      additional_data: input.additional_data,
    })
    return new WorkflowResponse(result, { hooks: [validate, pointsReversed] })
  }
)
