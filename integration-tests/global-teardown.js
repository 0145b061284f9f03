const { dropDatabasesLike, externalDatabaseEnv } = require("../scripts/lib/database")

module.exports = async function globalTeardown() {
  const stop = globalThis.__LOYALTY_TEST_DB_STOP__
  delete globalThis.__LOYALTY_TEST_DB_STOP__
  if (stop) {
    // Embedded: the whole cluster goes, with every database in it.
    await stop()
    return
  }
  // External server: the module suites name their databases after this
  // process (integration-tests/helpers/module-db.ts), which the runner leaves
  // behind; drop them so runs do not pile up databases.
  const external = externalDatabaseEnv(process.env)
  if (external && process.env.TEST_TYPE !== "unit") {
    await dropDatabasesLike(external, `medusa-%-integration-${process.pid}`)
  }
}
