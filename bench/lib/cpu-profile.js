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
        `\`node --cpu-prof\` on the plugin store's \`medusa start\`, from its boot to its stop, while it served one sequential phase earning only and one with points (the same requests as above), ${ms(busyUs)} ms of CPU outside idle. Profile: \`${this.file}\` (open it in Chrome DevTools → Performance).`,
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

module.exports = { summariseProfile }
