"use strict"

/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and says where the CPU went:
 * self time by package (the plugin, each @medusajs package, MikroORM, pg,
 * Node itself…), and the plugin's own functions by self and by total time
 * (total = samples with the function anywhere on the synchronous stack;
 * work a function awaits shows up under the callbacks that resume it, not
 * under the function).
 */

function packageOf(url, pluginName) {
  if (!url) return "(native, GC, idle)"
  if (url.startsWith("node:")) return "node (built-ins)"
  const plugin = url.indexOf(`/node_modules/${pluginName}/`)
  if (plugin >= 0) return pluginName
  const at = url.lastIndexOf("/node_modules/")
  if (at < 0) return "(other)"
  const rest = url.slice(at + "/node_modules/".length).split("/")
  return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]
}

function shortName(node, pluginName) {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url.includes(`/node_modules/${pluginName}/`)
    ? url.slice(url.indexOf(`/node_modules/${pluginName}/`) + `/node_modules/${pluginName}/`.length).replace(/^\.medusa\/server\//, "")
    : url
  return `${functionName || "(anonymous)"} (${file}:${lineNumber + 1})`
}

function summariseProfile(profile, { pluginName, top = 15 }) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  // time per sample: the deltas (µs)
  const selfUs = new Map()
  const samples = profile.samples
  const deltas = profile.timeDeltas
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt)
  }
  const byPackage = new Map()
  const pluginSelf = new Map()
  const pluginTotal = new Map()
  let totalUs = 0
  let idleUs = 0
  for (const [id, us] of selfUs) {
    const node = nodes.get(id)
    totalUs += us
    const name = node.callFrame.functionName
    if (name === "(idle)" || name === "(program)") {
      idleUs += name === "(idle)" ? us : 0
    }
    const pkg = name === "(idle)" ? "(idle)" : packageOf(node.callFrame.url, pluginName)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us)
    if (pkg === pluginName) {
      const key = shortName(node, pluginName)
      pluginSelf.set(key, (pluginSelf.get(key) ?? 0) + us)
    }
    // total time: each plugin function once per stack; a module's top level
    // (loading it at boot, with everything it requires) is not a function
    const seen = new Set()
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = nodes.get(cur)
      if (packageOf(n.callFrame.url, pluginName) !== pluginName) continue
      if (!n.callFrame.functionName && n.callFrame.lineNumber === 0) continue
      const key = shortName(n, pluginName)
      if (seen.has(key)) continue
      seen.add(key)
      pluginTotal.set(key, (pluginTotal.get(key) ?? 0) + us)
    }
  }
  const busyUs = totalUs - idleUs
  const rank = (map) => [...map.entries()].sort((a, b) => b[1] - a[1])
  const ms = (us) => (us / 1000).toFixed(0)
  const pct = (us) => `${((100 * us) / busyUs).toFixed(1)} %`
  return {
    busyMs: busyUs / 1000,
    byPackage: rank(byPackage),
    pluginSelf: rank(pluginSelf),
    pluginTotal: rank(pluginTotal),
    markdown() {
      return [
        "## Where the time goes (CPU profile of the plugin store)",
        "",
        `\`node --cpu-prof\` on the plugin store's \`medusa start\`, from its boot to its stop, while it served three sequential phases earning only and one with points (the same requests as above), ${ms(busyUs)} ms of CPU outside idle. Profile: \`${this.file}\` (open it in Chrome DevTools → Performance).`,
        "",
        "Self time by package (where the CPU was spent, not who asked for it):",
        "",
        "| package | self ms | share of busy |",
        "|---|---|---|",
        ...rank(byPackage)
          .filter(([pkg]) => pkg !== "(idle)")
          .slice(0, top)
          .map(([pkg, us]) => `| ${pkg} | ${ms(us)} | ${pct(us)} |`),
        "",
        "The plugin's own functions by total time (the function and what it calls synchronously; modules' top level, run once at boot, left out):",
        "",
        "| function | total ms | share of busy | self ms |",
        "|---|---|---|---|",
        ...rank(pluginTotal)
          .slice(0, top)
          .map(([key, us]) => `| \`${key}\` | ${ms(us)} | ${pct(us)} | ${ms(pluginSelf.get(key) ?? 0)} |`),
      ]
    },
  }
}

/**
 * Self time per function (`name (file:line)`, with its package) of the
 * samples taken between `window.from` and `window.to` (µs of the monotonic
 * clock V8's profiler stamps its samples with).
 */
function selfTimeIn(profile, window, pluginName) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  let at = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (at < window.from || at > window.to) continue
    const node = nodes.get(profile.samples[i])
    const name = node.callFrame.functionName
    if (name === "(idle)") continue
    const pkg = packageOf(node.callFrame.url, pluginName)
    const key = `${pkg} · ${shortName(node, pluginName).replace(/ \(.*\/node_modules\//, " (")}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
  }
  return self
}

/**
 * The two stores' profiles over the same requests (each store's window of
 * `checkouts` earning checkouts): busy CPU per checkout, by package and the
 * functions whose self time differs most, per checkout. Where the plugin
 * store spends more in Medusa's own code than plain Medusa does for the
 * same requests, this says in which functions.
 */
function compareProfiles(plain, plugin, { pluginName, checkouts, top = 25 }) {
  const a = selfTimeIn(plain.profile, plain.window, pluginName)
  const b = selfTimeIn(plugin.profile, plugin.window, pluginName)
  const per = (us) => us / 1000 / checkouts
  const f = (ms) => ms.toFixed(2)
  const sum = (map) => [...map.values()].reduce((x, y) => x + y, 0)
  const byPackage = (map) => {
    const out = new Map()
    for (const [key, us] of map) {
      const pkg = key.split(" · ")[0]
      out.set(pkg, (out.get(pkg) ?? 0) + us)
    }
    return out
  }
  const diffRows = (x, y, n) =>
    [...new Set([...x.keys(), ...y.keys()])]
      .map((key) => [key, x.get(key) ?? 0, y.get(key) ?? 0])
      .sort((p, q) => Math.abs(q[2] - q[1]) - Math.abs(p[2] - p[1]))
      .slice(0, n)
  return [
    "### The plugin store against plain Medusa, the same earning checkouts",
    "",
    `Both stores restarted under \`--cpu-prof\`, one sequential phase of earning checkouts to warm up, then ${checkouts} earning checkouts whose samples are compared (taken by time: the window of those checkouts in each profile; plain: \`${plain.file}\`, plugin: \`${plugin.file}\`). Busy CPU per checkout (idle samples left out), with the award: plain **${f(per(sum(a)))} ms**, plugin **${f(per(sum(b)))} ms** (${(sum(b) / sum(a)).toFixed(2)}×). A profile samples every millisecond or so: a difference of a few hundredths of a millisecond per checkout is noise.`,
    "",
    "| package | plain, ms per checkout | plugin | difference |",
    "|---|---|---|---|",
    ...diffRows(byPackage(a), byPackage(b), 12).map(([key, x, y]) => `| ${key} | ${f(per(x))} | ${f(per(y))} | ${y >= x ? "+" : ""}${f(per(y - x))} |`),
    "",
    "The functions whose self time differs most (ms per checkout):",
    "",
    "| function | plain | plugin | difference |",
    "|---|---|---|---|",
    ...diffRows(a, b, top).map(([key, x, y]) => `| \`${key}\` | ${f(per(x))} | ${f(per(y))} | ${y >= x ? "+" : ""}${f(per(y - x))} |`),
  ]
}

module.exports = { compareProfiles, summariseProfile }
