import path from "node:path"
import { fileURLToPath } from "node:url"
import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"

/**
 * (.mts: an ES module config whatever package.json says; this package stays
 * CommonJS so demo/run.js can require('./storefront/serve.js').)
 *
 * `vite build` → dist/, served by serve.js (which also answers /config.json
 * and proxies the store API). `vite` (dev server) proxies the same paths to
 * VITE_MEDUSA_BACKEND_URL (default http://localhost:9000); without
 * /config.json the app then reads VITE_MEDUSA_PUBLISHABLE_KEY.
 */
const backend = process.env.VITE_MEDUSA_BACKEND_URL || "http://localhost:9000"
const here = path.dirname(fileURLToPath(import.meta.url))
const pluginRoot = path.resolve(here, "../..")

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      // The plugin's typed store client, straight from its source. In your own
      // storefront, install the plugin and import "medusa-plugin-loyalty-points/client".
      {
        find: /^medusa-plugin-loyalty-points\/client$/,
        replacement: path.join(pluginRoot, "src/client/index.ts"),
      },
    ],
  },
  server: {
    port: 8000,
    fs: { allow: [here, path.join(pluginRoot, "src/client")] },
    proxy: {
      "/store": { target: backend, changeOrigin: true },
      "/auth": { target: backend, changeOrigin: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
})
