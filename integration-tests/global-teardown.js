module.exports = async function globalTeardown() {
  const stop = globalThis.__LOYALTY_TEST_DB_STOP__
  delete globalThis.__LOYALTY_TEST_DB_STOP__
  if (stop) {
    await stop()
  }
}
