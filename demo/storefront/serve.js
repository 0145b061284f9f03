#!/usr/bin/env node
/**
 * Serves the demo storefront: builds it when needed, then serves dist/ with
 * an SPA fallback, answers /config.json (backend and publishable key, so one
 * build works with any store), and proxies /store/* and /auth/* to the
 * Medusa backend so the browser talks to one origin and CORS never matters.
 *
 *   const { startStorefront } = require("./storefront/serve.js")
 *   const { url, stop } = await startStorefront({ port: 8000, backendUrl, publishableKey, log })
 *
 *   node demo/storefront/serve.js [--backend http://localhost:9000] [--key pk_…] [--port 8000] [--no-proxy]
 *
 * Without --key it reads demo/.store/demo-info.json (written by `npm run demo`).
 * Plain Node, no dependencies: the build step uses the repository's
 * node_modules (or runs `npm install` in this folder when they are not there) and
 * `vite build` (when dist/ is missing or older than a source file).
 */
"use strict"

const { spawn } = require("child_process")
const fs = require("fs")
const http = require("http")
const https = require("https")
const path = require("path")

const DIR = __dirname
const DIST = path.join(DIR, "dist")
const PLUGIN_CLIENT = path.resolve(DIR, "..", "..", "src", "client")
/** What the build is made from: a newer file here means dist/ is stale. */
const SOURCES = [
  "index.html",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "vite.config.mts",
  "src",
  PLUGIN_CLIENT,
]
const PROXIED = /^\/(store|auth)(\/|$|\?)/

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
}

// ---------------------------------------------------------------------------
// Build

function newestMtime(target) {
  const full = path.isAbsolute(target) ? target : path.join(DIR, target)
  let stat
  try {
    stat = fs.statSync(full)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of fs.readdirSync(full)) {
    if (entry === "node_modules") continue
    newest = Math.max(newest, newestMtime(path.join(full, entry)))
  }
  return newest
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/** Runs a command in DIR; resolves with its output, rejects with its last lines. */
function runQuiet(command, args, { log, env, background = false }) {
  return new Promise((resolve, reject) => {
    // background: under `nice -n 10` (the demo builds the storefront while it seeds)
    const [cmd, cmdArgs] = background && process.platform !== "win32" ? ["nice", ["-n", "10", command, ...args]] : [command, args]
    const child = spawn(cmd, cmdArgs, { cwd: DIR, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", (error) => reject(new Error(`could not run ${command}: ${error.message}`)))
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(output)
      const tail = output.trimEnd().split("\n").slice(-20).join("\n")
      reject(new Error(`\`${command} ${args.join(" ")}\` in ${DIR} ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}:\n${tail}`))
    })
    log && log(`$ ${command} ${args.join(" ")}`)
  })
}

/** The folder of an installed package, looked up the way Node does: node_modules here and in every parent. */
function findPackage(name) {
  for (let dir = DIR; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name)
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate
    if (path.dirname(dir) === dir) return null
  }
}

/** vite's CLI when everything the build imports is installed above this folder (the repository's node_modules). */
function repositoryVite() {
  if (!["@vitejs/plugin-react", "react", "react-dom", "@medusajs/js-sdk"].every(findPackage)) return null
  const vite = findPackage("vite")
  const bin = vite && path.join(vite, "bin", "vite.js")
  return bin && fs.existsSync(bin) ? bin : null
}

/**
 * Builds dist/ unless it is newer than every source. Returns what it did:
 * "up to date" or "built". `background`: the build runs under `nice -n 10`.
 */
async function buildStorefront({ log = () => {}, force = false, background = false } = {}) {
  // Inside this repository, vite, its React plugin, React and the JS SDK are
  // already installed (the repository's node_modules, found by walking up);
  // a copy of this folder elsewhere gets its own `npm install`.
  let viteBin = repositoryVite()
  if (!viteBin) {
    viteBin = path.join(DIR, "node_modules", "vite", "bin", "vite.js")
    const installedAt = mtime(path.join(DIR, "node_modules", ".package-lock.json"))
    if (!fs.existsSync(viteBin) || installedAt < mtime(path.join(DIR, "package.json"))) {
      log("storefront: installing its dependencies (npm install in demo/storefront)")
      // NODE_ENV=production would leave out vite and typescript (devDependencies)
      await runQuiet("npm", ["install", "--no-audit", "--no-fund", "--include=dev"], { log, env: { NODE_ENV: "development" } })
    }
  }
  const builtAt = mtime(path.join(DIST, "index.html"))
  const sourcesAt = Math.max(...SOURCES.map(newestMtime))
  if (!force && builtAt > 0 && builtAt >= sourcesAt) return "up to date"
  log(`storefront: building (vite build)${builtAt ? "; sources changed since the last build" : ""}`)
  await runQuiet(process.execPath, [viteBin, "build", "--logLevel", "warn"], { log, env: { NODE_ENV: "production" }, background })
  if (!fs.existsSync(path.join(DIST, "index.html"))) throw new Error("vite build made no dist/index.html")
  return "built"
}

// ---------------------------------------------------------------------------
// Serving

function proxy(req, res, backend, log) {
  const target = new URL(req.url, backend)
  const client = target.protocol === "https:" ? https : http
  const headers = { ...req.headers, host: target.host }
  const upstream = client.request(
    target,
    { method: req.method, headers },
    (answer) => {
      res.writeHead(answer.statusCode || 502, answer.headers)
      answer.pipe(res)
    }
  )
  upstream.on("error", (error) => {
    log(`storefront: proxy ${req.method} ${req.url} failed: ${error.message}`)
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" })
      res.end(JSON.stringify({ type: "proxy_error", message: `The store at ${backend} did not answer (${error.message})` }))
    } else {
      res.destroy()
    }
  })
  req.pipe(upstream)
}

function sendFile(res, file, { cache }) {
  const type = MIME[path.extname(file).toLowerCase()] || "application/octet-stream"
  res.writeHead(200, {
    "content-type": type,
    "cache-control": cache ? "public, max-age=31536000, immutable" : "no-cache",
  })
  fs.createReadStream(file).pipe(res)
}

/** Path under dist/ for a URL path, or null (no traversal out of dist/). */
function distFile(urlPath) {
  let decoded
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  const file = path.normalize(path.join(DIST, decoded))
  if (file !== DIST && !file.startsWith(DIST + path.sep)) return null
  try {
    return fs.statSync(file).isFile() ? file : null
  } catch {
    return null
  }
}

/**
 * Builds the storefront if needed and serves it.
 * @param {{ port?: number, host?: string, backendUrl?: string, publishableKey: string,
 *           proxy?: boolean, log?: (line: string) => void }} options
 *   proxy (default true): the browser calls this server, which forwards /store and /auth;
 *   false: the browser calls backendUrl directly (it must allow this origin in STORE_CORS/AUTH_CORS).
 * @returns {Promise<{ url: string, port: number, built: string, stop: () => Promise<void> }>}
 */
async function startStorefront({
  port = 8000,
  host,
  backendUrl = "http://localhost:9000",
  publishableKey,
  proxy: useProxy = true,
  log = () => {},
} = {}) {
  if (!publishableKey) throw new Error("startStorefront needs the store's publishable key (publishableKey)")
  const backend = backendUrl.replace(/\/+$/, "")
  const built = await buildStorefront({ log })

  const config = JSON.stringify({
    baseUrl: useProxy ? "" : backend,
    publishableKey,
    backendUrl: backend,
  })

  const server = http.createServer((req, res) => {
    const urlPath = (req.url || "/").split("?")[0]
    if (useProxy && PROXIED.test(req.url || "")) return proxy(req, res, backend, log)
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" })
      return res.end()
    }
    if (urlPath === "/config.json") {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
      return res.end(config)
    }
    const file = urlPath !== "/" && distFile(urlPath)
    if (file) return sendFile(res, file, { cache: urlPath.startsWith("/assets/") })
    if (urlPath.startsWith("/assets/") || /\.[a-z0-9]+$/i.test(urlPath)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" })
      return res.end("Not found")
    }
    // SPA fallback: every other path is the app
    return sendFile(res, path.join(DIST, "index.html"), { cache: false })
  })

  const sockets = new Set()
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })

  await new Promise((resolve, reject) => {
    server.once("error", (error) => {
      if (error.code === "EADDRINUSE") {
        reject(new Error(`Port ${port} is already in use; start the storefront on another one (--port ${port + 1}, or STOREFRONT_PORT)`))
      } else reject(error)
    })
    server.listen(port, host, resolve)
  })
  const actualPort = server.address().port
  const url = `http://localhost:${actualPort}`
  log(`storefront: ${url} (${useProxy ? `proxying /store and /auth to ${backend}` : `calling ${backend} directly`})`)

  let stopped = null
  const stop = () => {
    if (!stopped) {
      stopped = new Promise((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
    }
    return stopped
  }
  return { url, port: actualPort, built, stop }
}

module.exports = { startStorefront, buildStorefront }

// ---------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const args = { proxy: true }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value`)
      return next
    }
    if (arg === "--backend") args.backendUrl = value()
    else if (arg === "--key") args.publishableKey = value()
    else if (arg === "--port") args.port = Number(value())
    else if (arg === "--host") args.host = value()
    else if (arg === "--no-proxy") args.proxy = false
    else if (arg === "--build") args.buildOnly = true
    else if (arg === "--help" || arg === "-h") args.help = true
    else throw new Error(`Unknown option ${arg} (try --help)`)
  }
  return args
}

async function cli() {
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    process.stdout.write(
      "Usage: node demo/storefront/serve.js [--backend URL] [--key pk_…] [--port 8000] [--host H] [--no-proxy] [--build]\n" +
        "  Without --key/--backend: read from demo/.store/demo-info.json (npm run demo).\n" +
        "  --build: only build dist/ (if stale) and exit.\n"
    )
    return
  }
  const log = (line) => process.stdout.write(`${line}\n`)
  if (args.buildOnly) {
    log(`storefront: ${await buildStorefront({ log })}`)
    return
  }
  if (!args.publishableKey || !args.backendUrl) {
    const infoFile = path.resolve(DIR, "..", ".store", "demo-info.json")
    try {
      const info = JSON.parse(fs.readFileSync(infoFile, "utf8"))
      args.publishableKey = args.publishableKey || info.publishableKey
      args.backendUrl = args.backendUrl || info.url
    } catch {
      if (!args.publishableKey) {
        throw new Error(`No --key given and no ${path.relative(process.cwd(), infoFile)} (start \`npm run demo\` first)`)
      }
    }
  }
  const { stop } = await startStorefront({
    port: args.port || Number(process.env.STOREFRONT_PORT) || 8000,
    host: args.host,
    backendUrl: args.backendUrl,
    publishableKey: args.publishableKey,
    proxy: args.proxy,
    log,
  })
  log("Press Ctrl-C to stop.")
  const quit = () => stop().then(() => process.exit(0))
  process.once("SIGINT", quit)
  process.once("SIGTERM", quit)
}

if (require.main === module) {
  cli().catch((error) => {
    process.stderr.write(`✗ ${error.message}\n`)
    process.exit(1)
  })
}
