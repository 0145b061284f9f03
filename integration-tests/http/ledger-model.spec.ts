import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import fc from "fast-check"
import {
  ModelRunOptions,
  ModelStats,
  allCommands,
  describeRun,
  LedgerFixture,
  modelStepBudget,
  runModelSequence,
} from "../helpers/ledger-model-run"
import { createAdminUser, createPublishableKey, post, setupCommerce } from "../helpers"

jest.setTimeout(60 * 60 * 1000)

/**
 * Proof for issue 12: random sequences of earn, redeem, release, expiry,
 * adjustments and cancels run against the real workflows and routes on
 * Postgres and against the model in `helpers/ledger-model.ts` (the README's
 * rules). After every step the ledger invariants hold and each order's
 * summary equals the model's. `npm run test:model -- --long` runs 100,000
 * steps; a failure prints the shrunk sequence, its seed and path.
 */
medusaIntegrationTestRunner({
  inApp: true,
  env: { MEDUSA_DISABLE_TELEMETRY: "true" },
  testSuite: ({ api, getContainer }) => {
    let fixture: LedgerFixture

    beforeAll(async () => {
      const container = getContainer()
      const commerce = await setupCommerce(container)
      const admin = await createAdminUser(container)
      const { storeHeaders } = await createPublishableKey(container)
      // The region also offers the test provider that declines every authorization.
      await post(
        api,
        `/admin/regions/${commerce.regionId}`,
        { payment_providers: ["pp_system_default", "pp_refusing_refusing"] },
        admin.headers
      )
      fixture = { api, container, commerce, adminHeaders: admin.headers, storeHeaders }
    })

    it("keeps the ledger equal to the README's model through random order flows (issue 12, model-based test)", async () => {
      fixture.container = getContainer()
      const options: ModelRunOptions = modelStepBudget(process.env)
      const stats: ModelStats = { steps: 0, sequences: 0, started: Date.now(), ms: {} }
      let failure: unknown = null
      try {
        await fc.assert(
          fc.asyncProperty(fc.commands(allCommands(), { maxCommands: options.maxCommands, size: "max" }), async (commands) => {
            if (stats.steps >= options.steps) return
            await runModelSequence(fixture, commands, stats)
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
    })
  },
})
