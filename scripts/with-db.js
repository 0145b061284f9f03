#!/usr/bin/env node
/**
 * Runs a command with a Postgres at hand:
 *
 *   node scripts/with-db.js medusa plugin:db:generate
 *
 * DB_HOST / DATABASE_URL from the environment are used when set; otherwise an
 * embedded Postgres is started for the duration of the command (data under
 * .cache/pg-with-db-<pid>, removed afterwards). The command gets DB_HOST,
 * DB_PORT, DB_USERNAME, DB_PASSWORD and a DATABASE_URL pointing at a fresh
 * database named `loyalty_generate` (unless DATABASE_URL was given).
 */
const { spawn } = require("child_process")
const os = require("os")
const path = require("path")
const { ensureDatabase } = require("./lib/database")

const ROOT = path.resolve(__dirname, "..")

async function main() {
  const [command, ...args] = process.argv.slice(2)
  if (!command) {
    process.stderr.write("usage: node scripts/with-db.js <command> [args...]\n")
    process.exit(2)
  }

  const { env, stop } = await ensureDatabase({
    dir: path.join(ROOT, ".cache"),
    name: "pg-with-db",
    database: "loyalty_generate",
    recreate: true,
  })

  let exitCode = 1
  try {
    exitCode = await new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        stdio: "inherit",
        env: {
          ...process.env,
          ...env,
          // `medusa`, `tsc`… when not started through npm run
          PATH: [path.join(ROOT, "node_modules", ".bin"), process.env.PATH]
            .filter(Boolean)
            .join(path.delimiter),
        },
      })
      const forward = (signal) => () => child.kill(signal)
      const handlers = { SIGINT: forward("SIGINT"), SIGTERM: forward("SIGTERM") }
      for (const [signal, handler] of Object.entries(handlers)) {
        process.on(signal, handler)
      }
      child.on("error", reject)
      child.on("exit", (code, signal) => {
        for (const [sig, handler] of Object.entries(handlers)) {
          process.off(sig, handler)
        }
        resolve(code ?? 128 + ((signal && os.constants.signals[signal]) || 0))
      })
    })
  } finally {
    await stop()
  }
  process.exit(exitCode)
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
