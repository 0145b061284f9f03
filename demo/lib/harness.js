/**
 * What every demo test script shares: timestamped PASS/FAIL lines, a
 * `check(name, fn)` that records each result, and a small JSON HTTP client
 * (plain Node, so the scripts need nothing beyond playwright-core).
 */
"use strict"

const http = require("http")
const path = require("path")

/** A named check runner: `check` logs PASS/FAIL with timings and rethrows failures; `results` keeps them. */
function createHarness(label) {
  const started = Date.now()
  const log = (message) => process.stdout.write(`[${label} +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`)
  const results = []
  async function check(name, fn) {
    const t = Date.now()
    try {
      const detail = await fn()
      results.push({ name, ok: true })
      log(`PASS ${name}${detail ? `: ${detail}` : ""} (${Date.now() - t} ms)`)
    } catch (error) {
      results.push({ name, ok: false, error })
      log(`FAIL ${name}: ${error && error.message ? error.message : error}`)
      throw error
    }
  }
  /**
   * Run a script's `main` and exit: 1 when a check failed or `main` threw, with a
   * last line that says how many passed or failed and where the screenshots are.
   */
  function runChecks(main, artifacts) {
    const where = path.relative(path.resolve(__dirname, "..", ".."), artifacts)
    let exitCode = 0
    main()
      .catch((error) => {
        exitCode = 1
        if (!results.some((r) => !r.ok)) log(`FAIL ${error && error.stack ? error.stack : error}`)
      })
      .then(() => {
        if (results.some((r) => !r.ok)) exitCode = 1
        const failed = results.filter((r) => !r.ok).length
        log(
          exitCode === 0
            ? `all ${results.length} checks passed; screenshots in ${where}/`
            : `FAILED (${failed} failing check${failed === 1 ? "" : "s"}); screenshots in ${where}/`
        )
        process.exit(exitCode)
      })
  }
  return { started, log, results, check, runChecks }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/**
 * One JSON request; resolves with status, parsed body (when JSON) and text,
 * whatever the status. A new connection each time (`agent: false`): Node's
 * default agent reuses idle sockets, and a server whose event loop was busy
 * (an insights run on the large store) closes an idle one just as the next
 * request goes out on it, which fails with ECONNRESET.
 */
function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: 30000,
        headers: {
          ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = ""
        res.on("data", (chunk) => (text += chunk))
        res.on("end", () => {
          let json
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode, json, text })
        })
      }
    )
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)))
    req.on("error", reject)
    if (data) req.write(data)
    req.end()
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

module.exports = { createHarness, assert, request, sleep }
