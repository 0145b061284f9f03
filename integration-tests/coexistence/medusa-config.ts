import path from "path"

/**
 * The test store of `medusa-config.ts` plus Medusa's own loyalty plugin
 * (gift cards, store credit), to prove both plugins boot together and both
 * kinds of credit line can pay one cart. Module paths are made absolute:
 * Medusa resolves them from this folder.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require("../../medusa-config")
const root = path.join(__dirname, "../..")

type ModuleEntry = { resolve?: string } | boolean
const absolute = (mod: ModuleEntry) =>
  typeof mod === "object" && mod.resolve?.startsWith("./") ? { ...mod, resolve: path.join(root, mod.resolve) } : mod

// defineConfig() turns the modules list into an object keyed by module name.
const modules: Record<string, ModuleEntry> = base.modules ?? {}

module.exports = {
  ...base,
  modules: Object.fromEntries(Object.entries(modules).map(([key, mod]) => [key, absolute(mod)])),
  plugins: [...(base.plugins ?? []), { resolve: "@medusajs/loyalty-plugin", options: {} }],
}
