import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

const port = process.env.PORT || "9000"
const local = `http://localhost:${port},http://127.0.0.1:${port}`

/**
 * The demo store: a plain Medusa app with the loyalty plugin installed from
 * its packed tarball, configured the way a merchant would in medusa-config.
 * DATABASE_URL is handed over by demo/run.js.
 */
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS || `${local},http://localhost:8000`,
      adminCors: process.env.ADMIN_CORS || local,
      authCors: process.env.AUTH_CORS || `${local},http://localhost:8000`,
      jwtSecret: process.env.JWT_SECRET || "loyalty-demo-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "loyalty-demo-cookie-secret",
    },
    // `medusa start` runs with NODE_ENV=production, which makes the admin
    // session cookie Secure; the demo is served over plain http://localhost.
    cookieOptions: { secure: false },
  },
  // demo/run.js migrates Medusa's own modules with DEMO_WITHOUT_PLUGIN=1 while
  // the plugin is still building, then the plugin's with it in place
  // Medusa's local notification provider: the plugin's messages to members show in the store's log
  modules: [
    {
      resolve: "@medusajs/medusa/notification",
      options: {
        providers: [{ resolve: "@medusajs/medusa/notification-local", id: "local", options: { channels: ["email"] } }],
      },
    },
  ],
  plugins: process.env.DEMO_WITHOUT_PLUGIN ? [] : [
    {
      resolve: "medusa-plugin-loyalty-points",
      options: {
        points: {
          // 1 point per 1 EUR / 1 USD spent (net of tax and discounts)
          earnRates: { eur: 1, usd: 1 },
          // points stay pending for the 30-day return window, then expire
          // 6 months after they become available
          pendingDays: 30,
          expiryMonths: 6,
          // welcome points for shoppers who create an account
          signupBonus: 100,
          // 100 points = 1 EUR / 1 USD off
          pointValues: { eur: 0.01, usd: 0.01 },
          minRedeemPoints: 500,
          redeemStep: 100,
          maxRedeemShare: 0.5,
          shippingRedeemable: false,
        },
        // member care: birthdays and reviews, reminders, messages through the local provider below
        care: {
          timeZone: "Europe/Berlin",
          expiryReminderDays: 14,
          reviewSecret: process.env.LOYALTY_REVIEW_SECRET || "loyalty-demo-review-secret",
        },
      },
    },
  ],
})
