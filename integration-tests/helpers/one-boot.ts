import type { MedusaContainer } from "@medusajs/framework/types"
import { dropPostgresDatabaseTemplate, medusaIntegrationTestRunner, MedusaSuiteOptions } from "@medusajs/test-utils"
import { AdminUser, createAdminUser } from "./admin"
import { CommerceFixture, setupCommerce } from "./commerce"
import { expectEarningReadsAsOrderModule } from "./orders"
import { createPublishableKey, StoreHeaders } from "./store"

/**
 * What every suite on a boot starts with, built once right after the boot and
 * part of the database each suite starts from: the store of `setupCommerce`
 * (region, taxes, shipping, a product with stock), an admin user and a
 * publishable key.
 */
export type BootStore = {
  fixture: CommerceFixture
  admin: AdminUser
  storeHeaders: StoreHeaders
}

/** The runner's options, plus the boot's store (call `store()` in a hook or a test, not while registering). */
export type HttpSuiteOptions = MedusaSuiteOptions & { store: () => BootStore }

/**
 * A group of HTTP tests (the body of what used to be one spec file) that can
 * run on a Medusa app booted for several groups.
 */
export type HttpSuite = {
  title: string
  register: (options: HttpSuiteOptions) => void
  /**
   * After each test, compare every order's earning read with the order
   * module's (`expectEarningReadsAsOrderModule`). On for the suites whose
   * tests place and change orders through Medusa (edits, exchanges, claims,
   * returns, cancels, refunds, points paid, coupons, campaigns): their orders
   * are the reader's cases. Off elsewhere: reading every order twice after
   * every test of the other suites (members, tiers, referrals, insights with
   * their bulk-written histories) cost the HTTP lane up to 100 s and checks
   * little these do not.
   */
  checkOrderReads?: boolean
}

/** A group of HTTP tests: `register` declares its hooks and `it`s as a runner's `testSuite` would. */
export const httpSuite = (suite: HttpSuite): HttpSuite => suite

async function buildBootStore(container: MedusaContainer): Promise<BootStore> {
  const fixture = await setupCommerce(container)
  const admin = await createAdminUser(container)
  const { storeHeaders } = await createPublishableKey(container)
  return { fixture, admin, storeHeaders }
}

/**
 * Boots Medusa once (one database, one migration run, one app), builds the
 * boot's store (`BootStore`: commerce fixture, admin, publishable key) once,
 * and runs each suite on it as its own `describe`, with the isolation a spec
 * file of its own had:
 *
 * - every suite's `beforeAll` starts from the booted database with the boot's
 *   store in it, restored from a template taken right after it was built;
 * - every test starts from the database as the suite's `beforeAll` left it
 *   (the runner's own snapshot, retaken at the end of each suite's
 *   `beforeAll`s; the runner restores it before each `it`).
 *
 * After each test of a suite that places and changes orders
 * (`checkOrderReads: true`), every order in the database must read the same
 * through the plugin's earning reader as through Medusa's order module
 * (`expectEarningReadsAsOrderModule`).
 *
 * In-process state is shared (the app, its container, the event bus): a suite
 * that subscribes a listener or patches a service puts it back itself.
 * Run one suite with jest's name filter: `-t "<suite title>"`.
 */
export function runOnOneBoot({
  title,
  suites,
  medusaConfigFile,
}: {
  title: string
  suites: HttpSuite[]
  medusaConfigFile?: string
}) {
  medusaIntegrationTestRunner({
    inApp: true,
    medusaConfigFile,
    env: { MEDUSA_DISABLE_TELEMETRY: "true" },
    testSuite: (options) => {
      const bootTemplate = `${options.dbConfig.dbName}-boot`
      let bootStore: BootStore | undefined
      // Set once a suite has changed the database since the boot template was taken.
      let changedSinceBoot = false
      const store = () => {
        if (!bootStore) throw new Error("the boot's store is built in a beforeAll: call store() in a hook or a test")
        return bootStore
      }

      // A describe of its own: its afterAll runs before the runner's cleanup,
      // while the database server connection the template helpers use is open.
      describe(title, () => {
        beforeAll(async () => {
          bootStore = await buildBootStore(options.getContainer())
          await options.dbUtils.snapshot({ templateName: bootTemplate })
        })

        for (const suite of suites) {
          describe(suite.title, () => {
            beforeAll(async () => {
              if (changedSinceBoot) {
                await options.dbUtils.restore({ templateName: bootTemplate })
              }
              changedSinceBoot = true
            })
            suite.register({ ...options, store })
            if (suite.checkOrderReads) {
              // Whatever orders the test left, earning reads them as Medusa's order module does.
              afterEach(async () => {
                await expectEarningReadsAsOrderModule(options.getContainer())
              })
            }
            // After the suite's own beforeAll hooks: the state each of its tests starts from.
            beforeAll(async () => {
              await options.dbUtils.snapshot()
            })
          })
        }

        afterAll(async () => {
          if (bootStore) {
            await dropPostgresDatabaseTemplate(bootTemplate)
          }
        })
      })
    },
  })
}
