import path from "path"
import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

/**
 * The configuration the integration test runner boots: the plugin's `src/` is
 * loaded as the project, and its modules are registered here by path with the
 * same options a merchant would pass to the plugin.
 */
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
    },
  },
  admin: { disable: true },
  modules: [
    {
      // Medusa's default email/password provider, hashing with scrypt at a lower cost than its
      // default (logN 15, about 100 ms of CPU per registration and per login): the suites register
      // and log in a few hundred shoppers on a 2-core machine. A store keeps Medusa's default.
      resolve: "@medusajs/medusa/auth",
      options: {
        providers: [{ resolve: "@medusajs/medusa/auth-emailpass", id: "emailpass", options: { hashConfig: { logN: 11, r: 8, p: 1 } } }],
      },
    },
    {
      resolve: "./src/modules/loyalty-points",
      options: {
        points: {
          earnRates: { eur: 1 },
          pendingDays: 14,
          expiryMonths: 12,
          signupBonus: 50,
          pointValues: { eur: 0.01 },
          minRedeemPoints: 100,
          redeemStep: 10,
          maxRedeemShare: 0.5,
        },
        care: {
          timeZone: "Europe/Berlin",
          expiryReminderDays: 14,
          reviewSecret: "test-review-secret",
          notifications: { channel: "email" },
        },
      },
    },
    {
      // Medusa's local provider: messages are logged and recorded by the Notification Module.
      resolve: "@medusajs/medusa/notification",
      options: {
        providers: [{ resolve: "@medusajs/medusa/notification-local", id: "local", options: { channels: ["email"] } }],
      },
    },
    {
      // The system provider is always there; this one declines every
      // authorization so tests can fail a checkout after the points debit.
      resolve: "@medusajs/medusa/payment",
      options: {
        providers: [{ resolve: path.join(__dirname, "integration-tests/fixtures/refusing-payment-provider"), id: "refusing" }],
      },
    },
    {
      resolve: "./src/modules/loyalty-tiers",
      options: {
        tiers: { window: "rolling", windowMonths: 12, graceDays: 0 },
      },
    },
    {
      resolve: "./src/modules/loyalty-referrals",
      options: {
        referrals: {
          enabled: true,
          referrerPoints: 300,
          refereePoints: 200,
          minOrderAmounts: { eur: 50 },
          claimWindowDays: 30,
          monthlyCap: 10,
          storefrontUrl: "https://shop.example.com",
          claimAttempts: { perCustomer: 5, perAddress: 12, windowMinutes: 60 },
        },
      },
    },
    { resolve: "./src/modules/loyalty-insights" },
    { resolve: "./src/modules/loyalty-campaigns", options: { campaigns: { timeZone: "Europe/Berlin" } } },
  ],
})
