import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import fc from "fast-check"
import {
  ModelRunOptions,
  ModelStats,
  Adjust,
  BuyCoupon,
  Cancel,
  Claim,
  checkStep,
  Exchange,
  ExpireJob,
  PlaceOrder,
  ReleaseJob,
  OrderEdit,
  Redeliver,
  replayModelSequence,
  newMember,
  allCommands,
  describeRun,
  missingKinds,
  LedgerFixture,
  modelSeeds,
  modelStepBudget,
  runModelSequence,
} from "../helpers/ledger-model-run"
import { Modules } from "@medusajs/framework/utils"
import { adjustPointsWorkflow } from "../../src/workflows/points"
import { refundCanceledOrderCouponsWorkflowId } from "../../src/workflows/rewards/refund-canceled-order-coupons"
import { createAdminUser, createPublishableKey, eventually, get, post, setupCommerce, subscribersDone } from "../helpers"
import {
  armFault,
  blockOtherRuns,
  describeExecutions,
  Fault,
  giveUpExecutions,
  unfinishedExecutions,
  workflowSteps,
} from "../helpers/fault-injection"
import { faultFlows, WAITING_FAULTS } from "../helpers/fault-flows"
import * as M from "../helpers/ledger-model"

// An hour, or about a second a step for longer runs (`--long`: 100,000 steps).
jest.setTimeout(Math.max(60 * 60, Number(process.env.LOYALTY_MODEL_STEPS ?? 0)) * 1000)

/**
 * Proof for issue 12: random sequences of earn, redeem, release, expiry,
 * adjustments, coupons, cancels, returns, refunds, credit lines, order edits,
 * exchanges and claims run against the real workflows and routes on
 * Postgres and against the model in `helpers/ledger-model.ts` (the rules of
 * the README and docs/points.md). After every step the ledger invariants
 * hold, each order's summary equals the model's and Medusa suggests the
 * refund the model expects. `npm run test:model -- --long` runs 100,000
 * steps; a failure prints the shrunk sequence, its seed and path.
 */
medusaIntegrationTestRunner({
  inApp: true,
  env: { MEDUSA_DISABLE_TELEMETRY: "true" },
  testSuite: ({ api, getContainer }) => {
    let fixture: LedgerFixture

    beforeAll(async () => {
      const container = getContainer()
      // Stock for the --long run's orders (returns put some back).
      const commerce = await setupCommerce(container, { stockedQuantity: 1_000_000 })
      const admin = await createAdminUser(container)
      const { storeHeaders } = await createPublishableKey(container)
      // The region also offers the test provider that declines every authorization.
      await post(
        api,
        `/admin/regions/${commerce.regionId}`,
        { payment_providers: ["pp_system_default", "pp_refusing_refusing"] },
        admin.headers
      )
      const { reward } = await post(
        api,
        "/admin/loyalty/rewards",
        {
          name: "5 EUR off",
          kind: "fixed_amount",
          amounts: { EUR: 5 },
          points_cost: M.COUPON_REWARD.points,
          valid_days: M.COUPON_REWARD.validDays,
          refund_on_expiry: true,
        },
        admin.headers
      )
      fixture = { api, container, commerce, adminHeaders: admin.headers, storeHeaders, couponRewardId: reward.id }
    })

    for (const seed of modelSeeds(process.env)) {
      it(`keeps the ledger equal to the README's model through random order flows (issue 12, model-based test${seed === undefined ? "" : `, seed ${seed}`})`, async () => {
        fixture.container = getContainer()
        const options: ModelRunOptions = modelStepBudget(seed === undefined ? process.env : { ...process.env, LOYALTY_MODEL_SEED: String(seed) })
        const stats: ModelStats = { steps: 0, sequences: 0, started: Date.now(), ms: {} }
        let failure: unknown = null
        try {
          await fc.assert(
            fc.asyncProperty(fc.commands(allCommands(), { maxCommands: options.maxCommands, size: "max", replayPath: options.replayPath }), async (commands) => {
              // Enough steps: the remaining runs pass at once. After a failure, shrinking runs sequences
              // again (each a new member and real orders) for at most `shrinkSeconds`, then keeps the
              // smallest failing sequence found so far.
              if (stats.failedAt === undefined && stats.steps >= options.steps) return
              if (stats.failedAt !== undefined && Date.now() - stats.failedAt > options.shrinkSeconds * 1000) return
              try {
                await runModelSequence(fixture, commands, stats)
              } catch (error) {
                stats.failedAt ??= Date.now()
                throw error
              }
            }),
            { numRuns: options.steps, seed: options.seed, path: options.path, endOnFailure: options.path !== undefined }
          )
        } catch (error) {
          failure = error
        }
        // eslint-disable-next-line no-console
        console.log(describeRun(options, stats, failure))
        if (failure) throw failure
        expect(stats.steps).toBeGreaterThanOrEqual(options.steps)
        // A run of `npm test`'s size draws every kind of step (the seed is chosen so that it does).
        if (options.steps >= 500 && !options.path) expect(missingKinds(stats)).toEqual([])
      })
    }

    it("writes the points given back on an order to Medusa once when its points are recomputed side by side (issue 12, model seed 303)", async () => {
      fixture.container = getContainer()
      // Shrunk from seed 303: 220 points spent on 100 + 3 × 25 EUR; an edit removes a 25 EUR cap, so
      // the 220 points come back and the order earns on 150 EUR. The edit's own recomputation and the
      // `order-edit.confirmed` subscriber's ran side by side: both wrote the restore credit line as
      // an order change of their own, Medusa's order then counted its items twice, and the release
      // job found it earning on 300 EUR (+150 points). Redelivery runs three recomputations at once.
      const { model, real } = await replayModelSequence(fixture, [
        new Adjust(400),
        new PlaceOrder(1, 3, 0.5),
        new OrderEdit(0, false, 1),
        new Redeliver(0),
        new ReleaseJob(20),
      ])
      expect(model.orders[0]).toMatchObject({ redeemed: 220, restored: 220, earned: 173, reversed: 23, released: 150 })
      const { order } = await get(api, `/admin/orders/${real.orders[0].id}?fields=id,*items,*credit_lines`, fixture.adminHeaders)
      expect(order.items.map((item: { quantity: number }) => item.quantity).sort()).toEqual([1, 2])
      const restoredLines = order.credit_lines.filter((line: { reference: string }) => line.reference === "loyalty-points-restored")
      expect(restoredLines.map((line: { amount: number }) => Number(line.amount))).toEqual([-2.2])
    })

    it("follows orders that used a coupon bought with points through edits up and down, an exchange and a claim (issue 12, order changes with a coupon)", async () => {
      fixture.container = getContainer()
      // The coupon's 5 EUR is spread over the lines by price when the order is placed; Medusa keeps
      // that spread through later changes and charges what is added or exchanged in at full price.
      const { model } = await replayModelSequence(fixture, [
        new Adjust(400),
        new BuyCoupon(),
        new PlaceOrder(1, 2, 0.5, false, false, true),
        new OrderEdit(0, true, 1),
        new OrderEdit(0, false, 0),
        new BuyCoupon(),
        new PlaceOrder(1, 1, 0, false, false, true),
        new Exchange(1, 0, 1),
        new Claim(1, 1),
        new ReleaseJob(20),
      ])
      expect(model.orders.map((order) => order.coupon)).toEqual([0, 1])
      expect(model.orders.map((order) => order.changes)).toEqual([2, 2])
    })

    it("keeps a coupon's whole share on a line whose units an edit reduces (issue 12, model seed 1336243363)", async () => {
      fixture.container = getContainer()
      // Shrunk from seed 1336243363 once coupon orders could change: 2 × 25 EUR with the coupon's
      // 5 EUR off earn 45; an edit removes one unit. Medusa keeps the line's 5 EUR adjustment, so the
      // unit left costs 20 EUR and earns 20 (the model had it at 22.50 a unit, 22 points).
      const { model } = await replayModelSequence(fixture, [
        new Adjust(101),
        new BuyCoupon(),
        new PlaceOrder(0, 2, 0.25, false, false, true),
        new OrderEdit(8, false, 9),
      ])
      expect(model.orders[0]).toMatchObject({ coupon: 0, earned: 45, reversed: 25, pending: 20 })
    })

    it("gives back the points of the coupon a canceled order used before taking back what it earned (issue 12, model seed 1336243363)", async () => {
      fixture.container = getContainer()
      // Found by CI's seed (shrunk path 9:4:5:5:11, 58 steps): the store gives a canceled order's
      // coupon its points back (\`order.canceled\`, docs/points.md "Coupons"), the model did not, so
      // the model took the order's points back as debt while the store took them from the returned
      // coupon points. Here: 150 points buy the coupon, 2 × 25 EUR with it earn 45, released; staff
      // take the 45 away; the cancel gives the coupon's 150 back and takes the 45 from them.
      const { model, real } = await replayModelSequence(fixture, [
        new Adjust(100),
        new BuyCoupon(),
        new PlaceOrder(0, 2, 0, false, false, true),
        new ReleaseJob(20),
        new Adjust(-45),
        new Cancel(0),
      ])
      expect(model.coupons[0]).toMatchObject({ used: true, refunded: true })
      expect(model.orders[0]).toMatchObject({ coupon: 0, earned: 45, released: 45, reversed: 45 })
      const { account } = await get(api, "/store/loyalty/account", real.customerHeaders)
      expect(account).toMatchObject({ balance: 105, pending: 0, debt: 0 })
    })

    it("gives back the points of the coupon a canceled order used before taking back what it earned, also when the give-back fails once and the event comes again (issue 12, order of the cancel subscribers)", async () => {
      const container = getContainer()
      fixture.container = container
      // 150 points (expiring in 12 months) buy the coupon; the coupon order earns 45, released 20 days on
      // and taken away by staff; a second order earns 50, released 20 days on (a lot expiring a year and
      // 20 days on). Cancel the coupon order: its coupon's 150 come back with their dates, then its 45 are
      // taken from the first-expiring points, those 150: 105 of them and the second order's 50 remain.
      // Taken the other way round, the 45 come out of the second order's lot and all 150 remain.
      const { real } = await replayModelSequence(fixture, [
        new Adjust(100),
        new BuyCoupon(),
        new PlaceOrder(0, 2, 0, false, false, true),
        new ReleaseJob(20),
        new Adjust(-45),
        new PlaceOrder(0, 2, 0),
        new ReleaseJob(20),
      ])
      const orderId = real.orders[0].id
      // The coupon's give-back fails once (any run: the subscriber's), as a deadlock or a restart would.
      const refundFault = armFault(
        refundCanceledOrderCouponsWorkflowId,
        workflowSteps(refundCanceledOrderCouponsWorkflowId)[0],
        { marker: "" }
      )
      try {
        const delivered = subscribersDone(container, "order.canceled")
        await post(api, `/admin/orders/${orderId}/cancel`, {}, fixture.adminHeaders)
        await delivered
        expect(refundFault.fired()).toBe(true)
      } finally {
        refundFault.disarm()
      }
      // The event comes again (an event bus with retries delivers it to the subscribers again).
      const redelivered = subscribersDone(container, "order.canceled")
      await container.resolve(Modules.EVENT_BUS).emit({ name: "order.canceled", data: { id: orderId } })
      await redelivered

      const { account } = await get(api, "/store/loyalty/account", real.customerHeaders)
      expect(account).toMatchObject({ balance: 155, pending: 0, debt: 0, next_expiry: { points: 105 } })
    })

    it("gives back the points spent on a canceled order before taking back what it earned, from the order's own lot (issue 12, model seed -720556004)", async () => {
      fixture.container = getContainer()
      // Shrunk from seed -720556004: 350 points spent on a 29.75 EUR order that earns 22; released
      // 400 days on (a lot expiring at day 765); the cancel gives the 350 back with the dates they
      // had, which by the jobs' clock have already passed, and takes the 22 back from the order's
      // own lot (a reversal takes the order's own points while they are there). The expiry job then
      // expires the 350, as it would have had they never been spent: nothing remains. (Until the
      // expiry fix the 22 came out of the expiring 350 and the canceled order's 22 stayed.)
      const { model, real } = await replayModelSequence(fixture, [
        new Adjust(300),
        new PlaceOrder(0, 1, 1),
        new ExpireJob(400),
        new ReleaseJob(0),
        new Cancel(0),
        new ExpireJob(0),
      ])
      expect(model.orders[0]).toMatchObject({ redeemed: 350, restored: 350, earned: 22, reversed: 22 })
      const { account } = await get(api, "/store/loyalty/account", real.customerHeaders)
      expect(account).toMatchObject({ balance: 0, pending: 0, debt: 0 })
    })

    it("ends with the same ledger when any step of the earn, release, reverse, redeem, coupon, adjustment and expiry flows fails once and is retried (issue 12, fault injection)", async () => {
      fixture.container = getContainer()
      const stats: ModelStats = { steps: 0, sequences: 0, started: Date.now(), ms: {} }
      const member = async () => {
        const fresh = await newMember(fixture, stats)
        M.adjust(fresh.model, 100_000, Date.now())
        await adjustPointsWorkflow(fixture.container).run({
          input: { customer_id: fresh.real.customerId, points: 100_000, reason: "fault test", actor_id: "user_fault", idempotency_key: `fault-start-${fresh.real.customerId}` },
        })
        return fresh
      }
      let { model, real } = await member()

      const outcomes: { case: string; outcome: string }[] = []
      let n = 0
      // LOYALTY_FAULT_ONLY=<workflow id>[/<step id>] runs one flow's cases, or one case (when investigating).
      const [only, onlyStep] = (process.env.LOYALTY_FAULT_ONLY ?? "").split("/")
      for (const flow of faultFlows().filter((f) => !only || f.workflowId === only)) {
        for (const step of workflowSteps(flow.workflowId).filter((s) => !onlyStep || s === onlyStep)) {
          const label = `${flow.name} / ${step}`
          if (WAITING_FAULTS[`${flow.workflowId}/${step}`]) {
            outcomes.push({ case: label, outcome: `waiting: ${WAITING_FAULTS[`${flow.workflowId}/${step}`]}` })
            continue
          }
          const marker = `fault-${++n}-${Date.now()}`
          const faults: Fault[] = []
          try {
            if (flow.blockOthers) faults.push(blockOtherRuns(flow.workflowId, marker))
            const faultCase = await flow.prepare(fixture, model, real)
            const fault = armFault(flow.workflowId, step, { marker })
            faults.push(fault)
            let failed = false
            try {
              await faultCase.run(`${marker}-first`)
            } catch {
              failed = true
            }
            if (fault.fired() !== failed) {
              throw new Error(fault.fired() ? "the fault fired but the run did not fail" : "the run failed without the fault")
            }
            await faultCase.run(`${marker}-retry`)
            faultCase.expect()
            if (flow.settles) {
              // Medusa's compensation of a failed completion may still be running (it holds the cart
              // lock to the end): wait for the ledger to reach the model, as a shopper's page would.
              await eventually(() => checkStep(model, real, label), { timeout: 60_000, interval: 500 })
            } else {
              await checkStep(model, real, label)
            }
            // Every run of the case ends, compensations included (one that never ends would hold the cart).
            const stuck = await unfinishedExecutions(fixture.container, { marker, timeoutMs: 60_000 })
            // Medusa 2.21.2 sometimes leaves a failed completion's own execution `waiting_to_compensate`
            // with its compensations dormant (seen for update-carts and create-remote-links, not every
            // time): the checkout hook's next attempt gives such a debit back (`returnAbandonedDebits`),
            // and the ledger was just checked against the model. Any other unfinished execution fails the case.
            const dormant = stuck.filter((e) => e.workflow_id === "complete-cart" && e.state === "waiting_to_compensate")
            if (stuck.length) {
              await giveUpExecutions(fixture.container, stuck)
              if (dormant.length < stuck.length) {
                throw new Error(`workflow executions still running 60 s after the case: ${describeExecutions(stuck)}`)
              }
            }
            outcomes.push({
              case: label,
              outcome: !fault.fired()
                ? "step not reached: ran once"
                : dormant.length
                  ? "failed once, retried: same ledger (Medusa left its complete-cart execution waiting_to_compensate)"
                  : "failed once, retried: same ledger",
            })
          } catch (error) {
            outcomes.push({ case: label, outcome: `WRONG: ${(error as Error).message.slice(0, 400)}` })
            // The model no longer matches this member: go on with a new one.
            ;({ model, real } = await member())
          } finally {
            faults.reverse().forEach((fault) => fault.disarm())
          }
        }
      }
      // Nothing the cases started (subscribers and jobs included) is left running: bounded, so a stuck
      // execution fails this test with its name instead of hanging the runner's wait after it.
      const leftover = await unfinishedExecutions(fixture.container, { timeoutMs: 120_000 })
      if (leftover.length) {
        await giveUpExecutions(fixture.container, leftover)
        outcomes.push({ case: "workflow executions after the cases", outcome: `WRONG: still running after 120 s: ${describeExecutions(leftover)}` })
      }
      // eslint-disable-next-line no-console
      console.log(`fault injection, ${outcomes.length} cases:\n` + outcomes.map((o) => `  ${o.case}: ${o.outcome}`).join("\n"))
      expect(outcomes.filter((o) => o.outcome.startsWith("WRONG"))).toEqual([])
      expect(outcomes.filter((o) => o.outcome.startsWith("failed once")).length).toBeGreaterThan(only ? 0 : 40)
    })
  },
})
