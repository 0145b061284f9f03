import { rulesFromOptions } from "../../src/lib/points/program"
import { pluginOptionProblems } from "../../src/lib/shared/option-problems"
import type { LoyaltyPluginOptions } from "../../src/lib/shared/options"
import { deprecatedOptionsNote, pointsOptions, tiersOptions } from "../../src/lib/shared/options"
import { settingsFromOptions } from "../../src/modules/loyalty-tiers/service"

describe("plugin options nested by feature", () => {
  it("reads the points and tiers keys", () => {
    const options = {
      points: { earnRates: { EUR: 2 }, pendingDays: 14, maxRedeemShare: 0.3 },
      tiers: { window: "calendar_year" as const, windowMonths: 6, graceDays: 10 },
    }
    expect(rulesFromOptions(options)).toMatchObject({ earn_rates: { eur: 2 }, pending_days: 14, max_redeem_share: 0.3 })
    expect(settingsFromOptions(options)).toEqual({ window: "calendar_year", window_months: 6, grace_days: 10 })
    expect(deprecatedOptionsNote(options, "points")).toBeNull()
    expect(deprecatedOptionsNote(options, "tiers")).toBeNull()
  })

  it("still reads the flat names of earlier versions, and says which to rename", () => {
    const options = { earnRates: { eur: 1 }, signupBonus: 50, tierWindow: "lifetime" as const, tierGraceDays: 3 }
    expect(rulesFromOptions(options)).toMatchObject({ earn_rates: { eur: 1 }, signup_bonus: 50, pending_days: 30 })
    expect(settingsFromOptions(options)).toEqual({ window: "lifetime", window_months: 12, grace_days: 3 })
    expect(deprecatedOptionsNote(options, "points")).toBe(
      "medusa-plugin-loyalty-points: flat plugin options are deprecated and will be removed in a later version; " +
        "nest them by feature: earnRates → points.earnRates, signupBonus → points.signupBonus"
    )
    expect(deprecatedOptionsNote(options, "tiers")).toBe(
      "medusa-plugin-loyalty-points: flat plugin options are deprecated and will be removed in a later version; " +
        "nest them by feature: tierWindow → tiers.window, tierGraceDays → tiers.graceDays"
    )
  })

  it("takes the nested value where both are given, key by key", () => {
    const options = { pendingDays: 7, expiryMonths: 6, points: { pendingDays: 21 }, tierWindowMonths: 3, tiers: { graceDays: 1 } }
    expect(pointsOptions(options)).toEqual({ pendingDays: 21, expiryMonths: 6 })
    expect(tiersOptions(options)).toEqual({ windowMonths: 3, graceDays: 1 })
  })

  it("gives the defaults when nothing is passed", () => {
    expect(rulesFromOptions()).toEqual(rulesFromOptions({ points: {} }))
    expect(settingsFromOptions()).toEqual({ window: "rolling", window_months: 12, grace_days: 0 })
  })
})

describe("plugin options a store cannot run with", () => {
  it("finds nothing wrong with the defaults, the README's example or the options of the stores this repo runs", () => {
    const features = ["points", "care", "tiers", "referrals", "insights", "campaigns"] as const
    // README "Install into your store", step 2.
    const readme = {
      points: { earnRates: { eur: 1, usd: 1 }, pendingDays: 30, expiryMonths: 12, signupBonus: 100 },
      tiers: { window: "rolling" as const, windowMonths: 12 },
      referrals: { enabled: true, referrerPoints: 500, refereePoints: 500, storefrontUrl: "https://shop.example.com" },
    }
    type Entry = { resolve?: unknown; options?: LoyaltyPluginOptions }
    type Config = { plugins?: Entry[]; modules?: Record<string, Entry> }
    // The test apps' config registers the plugin's modules one by one; the demo's installs the plugin.
    const pluginOptionsOf = (config: Config) =>
      [...(config.plugins ?? []), ...Object.values(config.modules ?? {})]
        .filter(({ resolve }) => resolve === "medusa-plugin-loyalty-points" || String(resolve).startsWith("./src/modules/loyalty-"))
        .map((entry) => entry.options ?? {})
    const stores = ["../../medusa-config", "../../demo/template/medusa-config"].flatMap(
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (path) => pluginOptionsOf(require(path) as Config)
    )
    expect(stores.length).toBe(6)
    for (const options of [{}, readme, ...stores]) {
      expect(features.flatMap((feature) => pluginOptionProblems(feature, options))).toEqual([])
    }
  })

  it("names each option that is out of bounds, nested or flat, with the bound the admin applies", () => {
    expect(pluginOptionProblems("points", { points: { earnRates: { eur: 1_000_000 }, pendingDays: -1 } })).toEqual([
      "points.earnRates: An earn rate for eur must be between 0 and 1000",
      expect.stringMatching(/^points\.pendingDays: .*0/),
    ])
    expect(pluginOptionProblems("points", { earnRates: { euro: 1 } })).toEqual([
      'points.earnRates: "euro" is not a 3-letter currency code such as eur',
    ])
    expect(pluginOptionProblems("points", { points: { minRedeemPoints: 150, redeemStep: 100 } })).toEqual([
      "points: min_redeem_points must be a multiple of redeem_step",
    ])
    expect(pluginOptionProblems("tiers", { tiers: { window: "weekly" as never } })).toEqual([
      expect.stringMatching(/^tiers\.window: /),
    ])
    expect(pluginOptionProblems("referrals", { referrals: { storefrontUrl: "shop.example.com", claimAttempts: { perCustomer: 0 } } })).toEqual([
      "referrals.storefrontUrl: storefront_url must be an http(s) URL, e.g. https://shop.example.com",
      expect.stringMatching(/^referrals\.claimAttempts\.perCustomer: /),
    ])
    expect(pluginOptionProblems("insights", { insights: { profit_margin: 40, lapse_dayz: 90 } as never })).toEqual([
      expect.stringMatching(/^insights\.profit_margin: /),
      expect.stringMatching(/^insights: .*lapse_dayz/),
    ])
    expect(pluginOptionProblems("campaigns", { campaigns: { timeZone: "Berlin" } })).toEqual([
      'campaigns.timeZone: "Berlin" is not an IANA time zone such as Europe/Berlin',
    ])
    expect(pluginOptionProblems("care", { care: { birthdayMinDays: 2.5 } })).toEqual([expect.stringMatching(/^care\.birthdayMinDays: /)])
  })
})
