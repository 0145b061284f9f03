"use strict"

/**
 * A Medusa store app generated next to the repository, with the plugin
 * installed from its packed tarball the way a merchant installs it: what
 * `npm run demo` (demo/run.js) and `npm run bench` (bench/checkout.js) share.
 *
 * - `buildIsFresh()` / `packPlugin()`: `npm run build` output and `npm pack`
 *   into a folder of tarballs named by content hash;
 * - `installStoreModules()`: the store's node_modules is a symlink to every
 *   entry of the repository's node_modules plus the plugin unpacked from its
 *   tarball (no second `npm install`, one copy of every Medusa package);
 * - `createRunner()`: child processes in their own process group, output to a
 *   log file, stopped by their process id.
 */

const { spawn, spawnSync } = require("child_process")
const fs = require("fs")
const path = require("path")

const { DemoError, sha256File } = require("./util")

const ROOT = path.resolve(__dirname, "..", "..")
const ROOT_MODULES = path.join(ROOT, "node_modules")
const PLUGIN_NAME = "medusa-plugin-loyalty-points"

const rel = (p) => path.relative(process.cwd(), p) || "."

/** The repository's dependencies as installed (its lockfile), for cache keys. */
function lockfileHash() {
  for (const file of [path.join(ROOT_MODULES, ".package-lock.json"), path.join(ROOT, "package-lock.json")]) {
    if (fs.existsSync(file)) return sha256File(file)
  }
  return "no-lockfile"
}

/**
 * Newest modification time of a file, or of the files in a folder
 * (recursively). Folders' own times are left out: the plugin build writes and
 * removes a temporary file in src/admin, which touches the folder.
 */
function newestMtime(target) {
  let stat
  try {
    stat = fs.statSync(target)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)))
  return newest
}

/**
 * The repository's own build output (`npm run build`, as CI runs before the
 * demo) is complete and newer than every source: building again would make
 * the same files.
 */
function buildIsFresh() {
  const out = path.join(ROOT, ".medusa", "server")
  const marks = ["src/workflows/index.js", "src/admin/index.js", "package.json"].map((f) => path.join(out, f))
  if (!marks.every((f) => fs.existsSync(f))) return false
  const builtAt = Math.min(...marks.map((f) => fs.statSync(f).mtimeMs))
  const sourcesAt = Math.max(...["src", "package.json", "tsconfig.json"].map((f) => newestMtime(path.join(ROOT, f))))
  return builtAt > sourcesAt
}

/**
 * The environment of a command run for the store in `storeDir`: its
 * node_modules/.bin first on PATH, and NODE_PATH so that packages running
 * from the repository's node_modules still find the plugin, which only the
 * store has. `undefined` values remove a variable.
 */
function storeEnv(storeDir, extra = {}) {
  const env = {
    ...process.env,
    MEDUSA_DISABLE_TELEMETRY: "true",
    PATH: [path.join(storeDir, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(path.delimiter),
    // The store's node_modules links to the repository's, so Medusa's packages
    // run from there and do not see the plugin, which only the store has. The
    // admin bundler looks the plugin up from its own folder (to give Tailwind
    // the plugin's admin files): NODE_PATH lets it find the store's copy.
    NODE_PATH: [path.join(storeDir, "node_modules"), process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
    ...extra,
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete env[key]
  }
  return env
}

/**
 * `[command, args]`, run under `nice -n 10` when `background`: work that is
 * not on the way to a ready store (the admin build while the seed runs)
 * takes the CPU the steps on the way leave free. As is where there is no `nice`.
 */
function niced(command, args, background) {
  if (!background || process.platform === "win32") return [command, args]
  return ["nice", ["-n", "10", command, ...args]]
}

/**
 * Child processes in their own process group, each one's output in a log
 * file; `active` holds the running ones so a caller can stop them all on
 * Ctrl-C, each by its own id. `onExit(stepLabel)` is called as each one ends
 * (the demo reads the CPU time it used then).
 */
function createRunner({ onExit } = {}) {
  const active = new Set()

  /**
   * Runs a command to completion; its output goes to `logFile` (and lines go
   * to `onLine`). Rejects with a DemoError naming the log when it fails.
   */
  function run(command, args, { cwd, env, logFile, onLine, stepLabel, background = false }) {
    return new Promise((resolve, reject) => {
      const log = fs.createWriteStream(logFile, { flags: "w" })
      log.write(`$ ${command} ${args.join(" ")}\n# in ${cwd}\n\n`)
      const child = spawn(...niced(command, args, background), { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
      active.add(child)
      let buffered = ""
      const take = (chunk) => {
        log.write(chunk)
        if (!onLine) return
        buffered += chunk.toString("utf8")
        const lines = buffered.split("\n")
        buffered = lines.pop()
        for (const line of lines) onLine(line)
      }
      child.stdout.on("data", take)
      child.stderr.on("data", take)
      child.on("error", (error) => {
        active.delete(child)
        if (onExit) onExit(stepLabel)
        log.end()
        reject(new DemoError(`could not run ${command}: ${error.message}`, { step: stepLabel, logFile }))
      })
      child.on("close", (code, signal) => {
        active.delete(child)
        if (onExit) onExit(stepLabel)
        log.end(() => {
          if (code === 0) return resolve()
          const why = signal ? `was stopped by ${signal}` : `exited with code ${code}`
          reject(new DemoError(`\`${command} ${args.join(" ")}\` ${why}`, { step: stepLabel, logFile }))
        })
      })
    })
  }

  return { active, run }
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/** SIGTERM to the child's process group (SIGKILL after 15 s, or at once with `force`). */
async function stopChild(child, { force = false } = {}) {
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }
  if (!force) {
    signalGroup("SIGTERM")
    if (await waitForExit(child, 15000)) {
      signalGroup("SIGKILL") // stragglers in the group
      return
    }
  }
  signalGroup("SIGKILL")
  await waitForExit(child, 5000)
}

/**
 * `npm pack` of the built repository into `packagesDir`, the tarball named by
 * its content hash (npm then sees a new dependency when the plugin changed);
 * older tarballs there are removed. Returns `{ tarball, sha }`.
 */
async function packPlugin({ run, packagesDir, env, logFile, stepLabel }) {
  const tmp = path.join(packagesDir, ".pack")
  fs.rmSync(tmp, { recursive: true, force: true })
  fs.mkdirSync(tmp, { recursive: true })
  await run("npm", ["pack", "--pack-destination", tmp], { cwd: ROOT, env, logFile, stepLabel })
  const [packed] = fs.readdirSync(tmp).filter((f) => f.endsWith(".tgz"))
  if (!packed) throw new DemoError("npm pack made no tarball", { step: stepLabel, logFile })
  const sha = sha256File(path.join(tmp, packed))
  // a name per content: npm then sees a new dependency and installs it
  const name = packed.replace(/\.tgz$/, `-${sha.slice(0, 12)}.tgz`)
  for (const old of fs.readdirSync(packagesDir).filter((f) => f.endsWith(".tgz") && f !== name)) {
    fs.rmSync(path.join(packagesDir, old))
  }
  fs.renameSync(path.join(tmp, packed), path.join(packagesDir, name))
  fs.rmSync(tmp, { recursive: true, force: true })
  return { tarball: name, sha }
}

/**
 * `<storeDir>/node_modules` gets a symlink to every entry of the repository's
 * node_modules (so Medusa, React and the plugin's dependencies resolve to the
 * one installed copy) and, when `tarballFile` is given, the plugin itself
 * unpacked from its tarball, as npm would install it. Without a tarball the
 * store is plain Medusa: the plugin is not there at all.
 */
function installStoreModules(storeDir, tarballFile) {
  if (!fs.existsSync(path.join(ROOT_MODULES, "@medusajs", "medusa"))) {
    throw new DemoError("the repository's dependencies are not installed: run `npm install` first")
  }
  const modules = path.join(storeDir, "node_modules")
  fs.rmSync(modules, { recursive: true, force: true })
  fs.mkdirSync(modules, { recursive: true })
  for (const entry of fs.readdirSync(ROOT_MODULES)) {
    if (entry === PLUGIN_NAME || entry === ".package-lock.json" || entry === ".cache") continue
    fs.symlinkSync(path.join(ROOT_MODULES, entry), path.join(modules, entry), "dir")
  }
  if (tarballFile) installPlugin(storeDir, tarballFile)
}

/**
 * The plugin, unpacked from its tarball into `<storeDir>/node_modules` where
 * npm would put it (replacing an earlier copy): the demo links the store's
 * modules first and adds the plugin once it is built.
 */
function installPlugin(storeDir, tarballFile) {
  const target = path.join(storeDir, "node_modules", PLUGIN_NAME)
  const unpack = path.join(storeDir, ".unpack")
  fs.rmSync(unpack, { recursive: true, force: true })
  fs.mkdirSync(unpack, { recursive: true })
  const tar = spawnSync("tar", ["-xzf", tarballFile, "-C", unpack], { encoding: "utf8" })
  if (tar.status !== 0) throw new DemoError(`could not unpack ${rel(tarballFile)}: ${tar.stderr || tar.error}`)
  fs.rmSync(target, { recursive: true, force: true })
  fs.renameSync(path.join(unpack, "package"), target)
  fs.rmSync(unpack, { recursive: true, force: true })
}

module.exports = {
  ROOT,
  ROOT_MODULES,
  PLUGIN_NAME,
  lockfileHash,
  buildIsFresh,
  storeEnv,
  createRunner,
  stopChild,
  packPlugin,
  installStoreModules,
  installPlugin,
}
