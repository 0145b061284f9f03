import { z } from "@medusajs/framework/zod"
import { MedusaError } from "@medusajs/framework/utils"
import { isValidTimeZone } from "../campaigns/schedule"
import { rulesFromOptions, validateRules } from "../points/program"
import { referralSettingsFromOptions, validateReferralSettings } from "../referrals/rules"
import { settingsFromOptions as tierSettingsFromOptions, settingsProblems as tierSettingsProblems } from "../tiers/rules"
import type { LoyaltyPluginOptions } from "./options"
import { InsightSettingsFields, ProgramFields, ReferralProgramFields, TierSettingsFields } from "./settings-fields"

/** The features whose options a module checks when it starts: each module its own. */
export type OptionFeature = "points" | "care" | "tiers" | "referrals" | "insights" | "campaigns"

/**
 * `earn_rates.eur` of a setting → `earnRates.eur` of the option that gives it
 * (the `insights` options are the settings' own snake_case names: kept as they are).
 */
const optionName = (feature: OptionFeature, path: PropertyKey[]) =>
  path
    .map((part, index) =>
      index === 0 && feature !== "insights" ? String(part).replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) : String(part)
    )
    .join(".")

/** Each issue of a settings check, named by its option (`points.earnRates: …`). */
function issuesOf(feature: OptionFeature, result: z.ZodSafeParseResult<unknown>): string[] {
  if (result.success) return []
  return result.error.issues.map((issue) => `${[feature, optionName(feature, issue.path)].filter(Boolean).join(".")}: ${issue.message}`)
}

const timeZoneProblem = (feature: OptionFeature, timeZone: string | undefined) =>
  timeZone === undefined || isValidTimeZone(timeZone) ? [] : [`${feature}.timeZone: "${timeZone}" is not an IANA time zone such as Europe/Berlin`]

const dayCount = z.number().int().min(0).max(3650).optional()
const CareDays = z.object({ birthdayMinDays: dayCount, expiryReminderDays: dayCount, tierReminderDays: dayCount })
const attempts = z.number().int().min(1).max(1_000_000).optional()
const ClaimAttempts = z.object({
  claimAttempts: z.strictObject({ perCustomer: attempts, perAddress: attempts, windowMinutes: attempts }).optional(),
})

/**
 * What is wrong with one feature's plugin options, in words naming the
 * option; empty when they are fine. The settings the options make (defaults
 * filled in) are judged by the fields the admin routes validate a change with
 * (`settings-fields`) and by the rule the module applies when staff save them
 * (`validateRules`, `settingsProblems`, `validateReferralSettings`): a value
 * the admin would refuse is refused in medusa-config too, instead of earning
 * a billion points per euro or failing inside an order's event later.
 */
export function pluginOptionProblems(feature: OptionFeature, options: LoyaltyPluginOptions = {}): string[] {
  switch (feature) {
    case "points": {
      const { version: _version, ...rules } = rulesFromOptions(options)
      const fields = issuesOf(feature, ProgramFields.safeParse(rules))
      // The rule's own checks repeat the fields' (currency codes); theirs follow where the fields found nothing.
      return fields.length ? fields : validateRules(rules).map((problem) => `points: ${problem}`)
    }
    case "care":
      return [...issuesOf(feature, CareDays.safeParse(options.care ?? {})), ...timeZoneProblem(feature, options.care?.timeZone)]
    case "tiers": {
      const settings = tierSettingsFromOptions(options)
      const fields = issuesOf(feature, TierSettingsFields.safeParse(settings))
      return fields.length ? fields : tierSettingsProblems(settings).map((problem) => `tiers: ${problem}`)
    }
    case "referrals": {
      const { version: _version, ...settings } = referralSettingsFromOptions(options.referrals)
      const fields = [
        ...issuesOf(feature, ReferralProgramFields.safeParse(settings)),
        ...issuesOf(feature, ClaimAttempts.safeParse({ claimAttempts: options.referrals?.claimAttempts })),
      ]
      return fields.length ? fields : validateReferralSettings(settings).map((problem) => `referrals: ${problem}`)
    }
    case "insights":
      return issuesOf(feature, InsightSettingsFields.safeParse(options.insights ?? {}))
    case "campaigns":
      return timeZoneProblem(feature, options.campaigns?.timeZone)
  }
}

/**
 * A module loader that refuses to start the module on options it cannot run
 * with (`pluginOptionProblems` of its features): the store fails at boot with
 * every problem listed, not at a shopper's checkout.
 */
export function checkPluginOptions(...features: OptionFeature[]) {
  return async ({ options }: { options?: LoyaltyPluginOptions }) => {
    const problems = features.flatMap((feature) => pluginOptionProblems(feature, options ?? {}))
    if (problems.length) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `medusa-plugin-loyalty-points: the plugin options cannot be used: ${problems.join("; ")}`
      )
    }
  }
}
