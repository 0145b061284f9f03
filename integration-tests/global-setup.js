const path = require("path")
const { ensureDatabase } = require("../scripts/lib/database")

/**
 * Runs once per `jest` invocation, in the main process, before any suite.
 * Whatever it puts in process.env is inherited by the test environments.
 *
 * DB_HOST set → that server; DATABASE_URL set → parsed into DB_*; otherwise an
 * embedded Postgres under .cache/pg-test-<pid>. Unit tests get no database.
 */
module.exports = async function globalSetup() {
  process.env.MEDUSA_DISABLE_TELEMETRY = "true"

  if (process.env.TEST_TYPE === "unit") {
    return
  }

  const { env, stop, embedded } = await ensureDatabase({
    dir: path.join(__dirname, "..", ".cache"),
    name: "pg-test",
  })
  Object.assign(process.env, env)
  // globalSetup and globalTeardown run in the same process.
  globalThis.__LOYALTY_TEST_DB_STOP__ = embedded ? stop : null
}
