import { dropPostgresDatabaseTemplate, medusaIntegrationTestRunner, MedusaSuiteOptions } from "@medusajs/test-utils"

/**
 * A group of HTTP tests (the body of what used to be one spec file) that can
 * run on a Medusa app booted for several groups.
 */
export type HttpSuite = {
  title: string
  register: (options: MedusaSuiteOptions) => void
}

/** A group of HTTP tests: `register` declares its hooks and `it`s as a runner's `testSuite` would. */
export const httpSuite = (suite: HttpSuite): HttpSuite => suite

/**
 * Boots Medusa once (one database, one migration run, one app) and runs each
 * suite on it as its own `describe`, with the isolation a spec file of its own
 * had:
 *
 * - every suite's `beforeAll` starts from the freshly booted database (the
 *   runner's state before any suite), restored from a template taken at boot;
 * - every test starts from the database as the suite's `beforeAll` left it
 *   (the runner's own snapshot, retaken at the end of each suite's
 *   `beforeAll`s; the runner restores it before each `it`).
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
      // Set once the first suite to run has changed the database.
      let bootTemplateTaken = false

      // A describe of its own: its afterAll runs before the runner's cleanup,
      // while the database server connection the template helpers use is open.
      describe(title, () => {
        for (const suite of suites) {
          describe(suite.title, () => {
            beforeAll(async () => {
              if (bootTemplateTaken) {
                await options.dbUtils.restore({ templateName: bootTemplate })
              } else {
                // No suite has run yet (the first one, or the first one `-t` selects).
                await options.dbUtils.snapshot({ templateName: bootTemplate })
                bootTemplateTaken = true
              }
            })
            suite.register(options)
            // After the suite's own beforeAll hooks: the state each of its tests starts from.
            beforeAll(async () => {
              await options.dbUtils.snapshot()
            })
          })
        }

        afterAll(async () => {
          if (bootTemplateTaken) {
            await dropPostgresDatabaseTemplate(bootTemplate)
          }
        })
      })
    },
  })
}
