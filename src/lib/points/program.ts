import { LoyaltyPluginOptions, pointsOptions } from "../shared/options"
import type { CreditPosting } from "../../modules/loyalty-points/types"
import { expiryDate } from "../shared/dates"
import { IdempotencyKeys } from "../shared/idempotency-keys"
import { ReferenceTypes } from "../shared/vocabulary"

export type { LoyaltyPluginOptions }

/**
 * The program rules as the rest of the plugin sees them: one plain object,
 * whether it comes from the plugin options (version 0) or from a version
 * saved in the admin.
 */
export type ProgramRules = {
  /** 0 when the rules come from the plugin options and nothing was saved yet. */
  version: number
  /** Points per one major unit, by lower-case currency code. */
  earn_rates: Record<string, number>
  pending_days: number
  expiry_months: number
  signup_bonus: number
  /** Money value of one point in major units, by currency code. */
  point_values: Record<string, number>
  min_redeem_points: number
  redeem_step: number
  max_redeem_share: number
  shipping_redeemable: boolean
}

const lowerKeys = (map: Record<string, number> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([code, value]) => [code.toLowerCase(), value]))

/**
 * The rules a store starts with before anyone saves the program in the admin.
 * Defaults are deliberately conservative: no currency earns until the merchant
 * names its rate, a 30-day return window, points valid for a year.
 */
export function rulesFromOptions(pluginOptions: LoyaltyPluginOptions = {}): ProgramRules {
  const options = pointsOptions(pluginOptions)
  return {
    version: 0,
    earn_rates: lowerKeys(options.earnRates),
    pending_days: options.pendingDays ?? 30,
    expiry_months: options.expiryMonths ?? 12,
    signup_bonus: options.signupBonus ?? 0,
    point_values: lowerKeys(options.pointValues),
    min_redeem_points: options.minRedeemPoints ?? 100,
    redeem_step: options.redeemStep ?? 1,
    max_redeem_share: options.maxRedeemShare ?? 0.5,
    shipping_redeemable: options.shippingRedeemable ?? false,
  }
}

/** The earn rate for a currency, or null when that currency earns nothing. */
export function earnRateFor(rules: ProgramRules, currencyCode: string): number | null {
  const rate = rules.earn_rates[currencyCode.toLowerCase()]
  return rate && rate > 0 ? rate : null
}

/** Program rules problems a merchant must fix before saving; empty when fine. */
export function validateRules(rules: Omit<ProgramRules, "version">): string[] {
  const problems: string[] = []
  for (const [code, rate] of Object.entries(rules.earn_rates)) {
    if (!/^[a-z]{3}$/.test(code)) problems.push(`earn_rates: "${code}" is not a 3-letter currency code`)
    if (!(rate >= 0)) problems.push(`earn_rates.${code} must be 0 or more`)
  }
  for (const [code, value] of Object.entries(rules.point_values)) {
    if (!/^[a-z]{3}$/.test(code)) problems.push(`point_values: "${code}" is not a 3-letter currency code`)
    if (!(value >= 0)) problems.push(`point_values.${code} must be 0 or more`)
  }
  if (rules.redeem_step < 1) problems.push("redeem_step must be at least 1")
  if (rules.min_redeem_points % rules.redeem_step !== 0) {
    problems.push("min_redeem_points must be a multiple of redeem_step")
  }
  return problems
}

/**
 * A credit that earns under the program in force: `type: "earn"`, the rules'
 * version, and the expiry the program gives points credited at `at`. Every
 * gift of points (signup, actions, feedback, referrals, tier bonuses) is one.
 */
export function earnPosting(
  rules: Pick<ProgramRules, "version" | "expiry_months">,
  at: Date,
  credit: Omit<CreditPosting, "type" | "program_version" | "expires_at">
): CreditPosting {
  return { ...credit, type: "earn", program_version: rules.version, expires_at: expiryDate(at, rules.expiry_months) }
}

/**
 * The sign-up bonus of a newly registered customer, or null when none is
 * due: only a shopper with an account earns it (the customers staff create
 * and checkout's guest customers have none), only when the program gives one,
 * and once per mailbox: when another customer with the same mailbox
 * (`normalizeEmail`, deleted customers included) got it (`mailboxWelcomed`),
 * a shopper who deleted their account and registered again, or registered a
 * second address of the mailbox, is not welcomed again. Keyed by the
 * customer (`signup:customer:<id>`), so a redelivered `customer.created`
 * pays once.
 */
export function signupBonusPosting(
  rules: Pick<ProgramRules, "version" | "expiry_months" | "signup_bonus">,
  at: Date,
  customer: { id: string; has_account: boolean },
  mailboxWelcomed: boolean
): CreditPosting | null {
  if (!customer.has_account || rules.signup_bonus <= 0 || mailboxWelcomed) return null
  return earnPosting(rules, at, {
    customer_id: customer.id,
    idempotency_key: IdempotencyKeys.signupBonus(customer.id),
    points: rules.signup_bonus,
    reason: "Welcome bonus for creating an account",
    reference_type: ReferenceTypes.CUSTOMER,
    reference_id: customer.id,
  })
}
