import { rulesFromOptions } from "../../src/lib/points/program"
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
