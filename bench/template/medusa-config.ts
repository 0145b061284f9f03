import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "production", process.cwd())

/**
 * The two stores of `npm run bench` (bench/checkout.js): one file for both,
 * so they differ only in the plugin. BENCH_STORE=plugin installs the plugin
 * (from its packed tarball, in this store's node_modules) with the demo
 * store's options; BENCH_STORE=plain is Medusa as it comes. The admin is not
 * served (nothing measured needs it, and it would need a build).
 * DATABASE_URL is handed over by bench/checkout.js.
 */
const withPlugin = process.env.BENCH_STORE === "plugin"

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://127.0.0.1",
      adminCors: "http://127.0.0.1",
      authCors: "http://127.0.0.1",
      jwtSecret: "loyalty-bench-jwt-secret",
      cookieSecret: "loyalty-bench-cookie-secret",
    },
  },
  admin: { disable: true },
  plugins: withPlugin
    ? [
        {
          resolve: "medusa-plugin-loyalty-points",
          options: {
            // as demo/template/medusa-config.ts
            points: {
              earnRates: { eur: 1, usd: 1 },
              pendingDays: 30,
              expiryMonths: 6,
              signupBonus: 100,
              pointValues: { eur: 0.01, usd: 0.01 },
              minRedeemPoints: 500,
              redeemStep: 100,
              maxRedeemShare: 0.5,
              shippingRedeemable: false,
            },
          },
        },
      ]
    : [],
})
