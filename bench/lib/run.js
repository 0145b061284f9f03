"use strict"

const { spawn } = require("child_process")
const path = require("path")

const ROOT = path.resolve(__dirname, "..", "..")

/**
 * Run a command of the repo (the `medusa` CLI and the like, from
 * node_modules/.bin) with `env` added; resolves with its output, rejects
 * with the tail of it when it exits non-zero. The benches' one way to start
 * `medusa db:migrate` and `medusa exec`.
 */
function run(command, argv, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env, PATH: [path.join(ROOT, "node_modules", ".bin"), process.env.PATH].join(path.delimiter) },
    })
    let output = ""
    child.stdout.on("data", (d) => (output += d))
    child.stderr.on("data", (d) => (output += d))
    child.on("error", reject)
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${argv.join(" ")} exited ${code}\n${output.slice(-4000)}`))))
  })
}

module.exports = { run, ROOT }
