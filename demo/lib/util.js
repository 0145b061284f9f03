"use strict"

const crypto = require("crypto")
const fs = require("fs")
const path = require("path")

/** A failure with a message meant for the person running the demo (no stack trace). */
class DemoError extends Error {
  constructor(message, { step, logFile } = {}) {
    super(message)
    this.name = "DemoError"
    this.step = step
    this.logFile = logFile
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === "EPERM"
  }
}

/** The last `lines` lines of a file ("" when it does not exist). */
function tailFile(file, lines = 20) {
  try {
    const text = fs.readFileSync(file, "utf8")
    return text.replace(ANSI, "").trimEnd().split("\n").slice(-lines).join("\n")
  } catch {
    return ""
  }
}

const ANSI = /\x1b\[[0-9;]*m/g

/**
 * The first error in a log: from the first line that says "error" (Medusa's
 * logger, Node, npm ERR!) up to `lines` lines; "" when there is none.
 */
function firstError(file, lines = 8) {
  let text
  try {
    text = fs.readFileSync(file, "utf8").replace(ANSI, "")
  } catch {
    return ""
  }
  const all = text.split("\n")
  const index = all.findIndex((line) => /(^|\s|\[)(error|ERR!)\b|^\w*Error\b/i.test(line) && !/\b0 errors?\b/i.test(line))
  if (index === -1) return ""
  return all.slice(index, index + lines).join("\n").trimEnd()
}

/** Every file under `dir` (relative paths, sorted), skipping `skip` names. */
function listFiles(dir, skip = new Set(["node_modules", ".DS_Store"])) {
  const out = []
  const walk = (current) => {
    let entries
    try {
      entries = fs.readdirSync(current, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (skip.has(entry.name)) continue
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) out.push(path.relative(dir, full))
    }
  }
  walk(dir)
  return out.sort()
}

/** sha256 over the contents (and names) of files and folders. */
function hashPaths(root, relPaths) {
  const hash = crypto.createHash("sha256")
  for (const rel of relPaths) {
    const full = path.join(root, rel)
    let stat
    try {
      stat = fs.statSync(full)
    } catch {
      hash.update(`missing:${rel}\n`)
      continue
    }
    const files = stat.isDirectory() ? listFiles(full).map((f) => path.join(rel, f)) : [rel]
    for (const file of files) {
      hash.update(`${file}\n`)
      hash.update(fs.readFileSync(path.join(root, file)))
      hash.update("\n")
    }
  }
  return hash.digest("hex")
}

function sha256File(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex")
}

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex")
}

function formatSeconds(ms) {
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000) // rounded once, so 4 min 59.6 s reads 5 min 0 s, not 4 min 60 s
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

// ---------------------------------------------------------------------------
// CPU time (Linux /proc; null where there is none), so a step's cost can be
// told apart from the machine's load: wall time on a shared machine says
// little, user+sys time says what the step cost.

const TICK_MS = 10 // USER_HZ is 100 on every Linux architecture Node runs on

/** [utime, stime, cutime, cstime] of a process in ms, or null when it is gone (or no /proc). */
function procTimes(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return [11, 12, 13, 14].map((i) => Number(fields[i]) * TICK_MS)
  } catch {
    return null
  }
}

/**
 * CPU time (user+sys, ms) of this process's children that have exited and
 * been waited for, with everything they waited for in turn (a build's
 * workers, say). Node waits for its children as they exit, so the growth of
 * this figure across one child's run is that child's whole cost.
 */
function finishedChildrenCpuMs() {
  const times = procTimes("self")
  return times ? times[2] + times[3] : null
}

/**
 * CPU time (user+sys, ms) of a running process tree: the process, the
 * children it has waited for, and its live descendants. For Postgres: the
 * postmaster, its exited backends and the open ones.
 */
function treeCpuMs(rootPid) {
  if (!procTimes(rootPid)) return null
  const children = new Map()
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8")
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      children.set(ppid, [...(children.get(ppid) || []), Number(entry)])
    } catch {
      // exited meanwhile
    }
  }
  let total = 0
  const walk = (pid) => {
    const times = procTimes(pid)
    if (!times) return
    total += times.reduce((a, b) => a + b, 0)
    for (const child of children.get(pid) || []) walk(child)
  }
  walk(rootPid)
  return total
}

/** "1.5" → the 1-minute load average, or "" where there is none. */
function loadAverage() {
  const [one] = require("os").loadavg()
  return one ? one.toFixed(1) : ""
}

module.exports = {
  DemoError,
  finishedChildrenCpuMs,
  treeCpuMs,
  loadAverage,
  sleep,
  isAlive,
  tailFile,
  firstError,
  listFiles,
  hashPaths,
  sha256File,
  sha256,
  formatSeconds,
}
