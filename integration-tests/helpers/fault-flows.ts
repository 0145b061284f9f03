import { completeCartWorkflowId, completeCartWorkflow } from "@medusajs/medusa/core-flows"
import {
  adjustPointsWorkflow,
  adjustPointsWorkflowId,
  awardOrderPointsWorkflow,
  awardOrderPointsWorkflowId,
  expireLotBatchWorkflow,
  expireLotBatchWorkflowId,
  releaseOrderPointsWorkflow,
  releaseOrderPointsWorkflowId,
  reverseOrderPointsWorkflow,
  reverseOrderPointsWorkflowId,
} from "../../src/workflows/points"
import { purchaseCouponWorkflow, purchaseCouponWorkflowId } from "../../src/workflows/rewards"
import type { DueCursor } from "../../src/lib/db"
import { post } from "./http"
import { pointsService } from "./loyalty"
import * as M from "./ledger-model"
import { checkout, LedgerFixture, Real } from "./ledger-model-run"

const DAY = 24 * 60 * 60 * 1000

/**
 * One fault case, prepared on a member: `run` is the flow's workflow run
 * with a given transaction id (the fault fires in the first run, the second
 * is the retry), `expect` applies to the model what one clean run does.
 */
export type FaultCase = {
  run: (transactionId: string) => Promise<unknown>
  expect: () => void
}

/** A flow under fault: its workflow, and how to prepare a case on the member. */
export type FaultFlow = {
  name: string
  workflowId: string
  /** fail the flow's runs by subscribers and jobs during the case (their event is "lost"; the test's run does the work) */
  blockOthers?: boolean
  /** the failed run's compensation may finish after the run returns: wait for the ledger to settle */
  settles?: boolean
  prepare: (fx: LedgerFixture, model: M.LedgerModel, real: Real) => Promise<FaultCase>
}

async function placed(model: M.LedgerModel, real: Real, basket: M.Basket, points: number) {
  const at = Date.now()
  const order = await checkout(real, basket, points)
  if (order === "refused") throw new Error("setup: points refused")
  const modelOrder = M.placeOrder(model, basket, points, at)
  real.orders.push(order)
  real.touched.add(real.orders.length - 1)
  return { order, modelOrder }
}

/**
 * The earn, release, reverse, redeem and coupon flows, plus adjustments and
 * expiry, each set up so that every one of its steps does real work.
 */
export function faultFlows(): FaultFlow[] {
  return [
    {
      name: "earn (order.placed)",
      workflowId: awardOrderPointsWorkflowId,
      blockOthers: true,
      prepare: async (fx, model, real) => {
        // The order's own order.placed run is "lost" (blocked): the test's run awards it.
        const basket = { expensive: 1, cheap: 0 }
        const at = Date.now()
        const order = await checkout(real, basket, 0, { award: false })
        if (order === "refused") throw new Error("setup: refused")
        real.orders.push(order)
        return {
          run: (transactionId) =>
            awardOrderPointsWorkflow(fx.container).run({ input: { order_id: order.id }, context: { transactionId } }),
          expect: () => {
            M.placeOrder(model, basket, 0, at)
            real.touched.add(real.orders.length - 1)
          },
        }
      },
    },
    {
      name: "release (after the return window)",
      workflowId: releaseOrderPointsWorkflowId,
      prepare: async (fx, model, real) => {
        const { order, modelOrder } = await placed(model, real, { expensive: 1, cheap: 0 }, 0)
        const now = modelOrder.created_at + (M.MODEL_RULES.pendingDays + 1) * DAY
        return {
          run: (transactionId) =>
            releaseOrderPointsWorkflow(fx.container).run({
              input: { order_id: order.id, customer_id: real.customerId, now: new Date(now) },
              context: { transactionId },
            }),
          expect: () => M.releaseOrder(model, modelOrder, now),
        }
      },
    },
    {
      name: "reverse and restore (order.canceled)",
      workflowId: reverseOrderPointsWorkflowId,
      blockOthers: true,
      prepare: async (fx, model, real) => {
        const basket = { expensive: 1, cheap: 0 }
        const points = Math.min(M.maxRedeemable(model, basket), 200)
        const { order, modelOrder } = await placed(model, real, basket, points)
        await post(fx.api, `/admin/orders/${order.id}/cancel`, {}, fx.adminHeaders)
        return {
          run: (transactionId) =>
            reverseOrderPointsWorkflow(fx.container).run({
              input: { order_id: order.id, trigger: "order.canceled" },
              context: { transactionId },
            }),
          expect: () => M.cancel(model, modelOrder, Date.now()),
        }
      },
    },
    {
      name: "redeem at checkout (cart completion)",
      workflowId: completeCartWorkflowId,
      settles: true,
      prepare: async (fx, model, real) => {
        const basket = { expensive: 1, cheap: 0 }
        const points = M.maxRedeemable(model, basket) >= 200 ? 200 : 0
        const at = Date.now()
        const cart = await checkout(real, basket, points, { complete: false })
        if (cart === "refused") throw new Error("setup: points refused")
        return {
          run: async (transactionId) => {
            // A completion that failed late holds the cart's lock until its compensation has run to
            // the end (the lock is released last); on a loaded machine that can outlast the 30 s a
            // new completion waits for it. The shopper would try again: so does the test.
            let completed: { id: string } | undefined
            for (let attempt = 1; !completed; attempt++) {
              const { result, errors } = await completeCartWorkflow(fx.container).run({
                input: { id: cart.cart_id },
                context: { transactionId: attempt === 1 ? transactionId : `${transactionId}-${attempt}` },
                throwOnError: false,
              })
              const error = errors[0]?.error as Error | undefined
              if (!error) completed = result
              else if (attempt >= 5 || !/Failed to acquire lock/.test(error.message ?? "")) throw error
            }
            const result = completed
            await awardOrderPointsWorkflow(fx.container).run({ input: { order_id: result.id } })
            real.orders.push({ id: result.id, cart_id: cart.cart_id, lines: [] })
          },
          expect: () => {
            M.placeOrder(model, basket, points, at)
            real.touched.add(real.orders.length - 1)
          },
        }
      },
    },
    {
      name: "coupon purchase",
      workflowId: purchaseCouponWorkflowId,
      prepare: async (fx, model, real) => {
        const key = `fault-coupon-${real.stats.steps}-${Math.random().toString(36).slice(2, 8)}`
        return {
          run: (transactionId) =>
            purchaseCouponWorkflow(fx.container).run({
              input: { customer_id: real.customerId, reward_id: fx.couponRewardId, currency_code: "eur", idempotency_key: key, now: new Date() },
              context: { transactionId },
            }),
          expect: () => M.adjust(model, -M.COUPON_REWARD.points, Date.now()),
        }
      },
    },
    ...[150, -40].map(
      (points): FaultFlow => ({
        name: `admin adjustment ${points > 0 ? "+" : ""}${points}`,
        workflowId: adjustPointsWorkflowId,
        prepare: async (fx, model, real) => {
          const key = `fault-adjust-${real.stats.steps}-${Math.random().toString(36).slice(2, 8)}`
          return {
            run: (transactionId) =>
              adjustPointsWorkflow(fx.container).run({
                input: { customer_id: real.customerId, points, reason: "fault test", actor_id: "user_fault", idempotency_key: key },
                context: { transactionId },
              }),
            expect: () => M.adjust(model, points, Date.now()),
          }
        },
      })
    ),
    {
      name: "expiry",
      // The expiry pass runs one batch workflow per page of due lots: the case fails each step of that workflow.
      workflowId: expireLotBatchWorkflowId,
      prepare: async (fx, model, real) => {
        // New points for this case, then 13 months on: every lot of the member has expired.
        const key = `fault-expiry-${real.stats.steps}-${Math.random().toString(36).slice(2, 8)}`
        M.adjust(model, 500, Date.now())
        await adjustPointsWorkflow(fx.container).run({
          input: { customer_id: real.customerId, points: 500, reason: "fault test", actor_id: "user_fault", idempotency_key: key },
        })
        const now = Date.now() + 400 * DAY
        return {
          run: async (transactionId) => {
            const lotIds: string[] = []
            for (let after: DueCursor | null = null, more = true; more; ) {
              const page = await pointsService(fx.container).listExpiredLots(new Date(now), after, 500)
              lotIds.push(...page.items)
              after = page.next
              more = !!page.next
            }
            return expireLotBatchWorkflow(fx.container).run({ input: { now: new Date(now), lot_ids: lotIds }, context: { transactionId } })
          },
          expect: () => {
            M.expireJob(model, now)
          },
        }
      },
    },
  ]
}

/**
 * Cases (workflow id / step id) left out until their defect is fixed on main,
 * with the reason; the test prints them.
 */
export const WAITING_FAULTS: Record<string, string> = {}
