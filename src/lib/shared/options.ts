import type { LoaderOptions } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { CarePluginOptions } from "../care/rules"
import type { InsightSettings } from "../insights/rules"
import type { ReferralPluginOptions } from "../referrals/rules"
import type { TierWindow } from "../tiers/rules"

/** The `points` key of the plugin options: the program's defaults until staff save it. */
export type PointsPluginOptions = {
  /** Points per one major unit, by currency code; a currency without a rate earns nothing. */
  earnRates?: Record<string, number>
  /** Return window: days an order's points stay pending (default 30). */
  pendingDays?: number
  /** Months before points expire; 0 = never (default 12). */
  expiryMonths?: number
  /** Points for creating an account; 0 = off (default). */
  signupBonus?: number
  /** Money value of one point by currency; a currency without one cannot be paid with points. */
  pointValues?: Record<string, number>
  /** Smallest redemption (default 100). */
  minRedeemPoints?: number
  /** Redemptions in multiples of this (default 1). */
  redeemStep?: number
  /** Largest share (0–1) of a cart that points may pay (default 0.5). */
  maxRedeemShare?: number
  /** Whether points may pay for shipping (default false). */
  shippingRedeemable?: boolean
}

/** The `tiers` key of the plugin options: the qualification defaults until staff save them. */
export type TiersPluginOptions = {
  /** `rolling` (default), `calendar_year` or `lifetime`. */
  window?: TierWindow
  /** Length of a rolling window in months (default 12). */
  windowMonths?: number
  /** Days a tier is kept after its period ended before the review (default 0). */
  graceDays?: number
}

/**
 * The flat option names of earlier versions, still read; the nested key wins
 * when both are set: each points option at the top level, and the tier
 * options as `tierWindow`, `tierWindowMonths`, `tierGraceDays`.
 */
export type DeprecatedFlatOptions = {
  /** @deprecated nest it under `points` */
  [K in keyof PointsPluginOptions]?: PointsPluginOptions[K]
} & {
  /** @deprecated use `tiers.window` */
  tierWindow?: TierWindow
  /** @deprecated use `tiers.windowMonths` */
  tierWindowMonths?: number
  /** @deprecated use `tiers.graceDays` */
  tierGraceDays?: number
}

/**
 * The options a merchant passes to the plugin in medusa-config, nested by
 * feature. Medusa hands them to each of the plugin's modules; each module
 * reads its own key.
 */
export type LoyaltyPluginOptions = DeprecatedFlatOptions & {
  points?: PointsPluginOptions
  tiers?: TiersPluginOptions
  /** Defaults of the referral program (the loyalty_referrals module reads them). */
  referrals?: ReferralPluginOptions
  /** Defaults of the insights settings (the loyalty_insights module reads them). */
  insights?: Partial<InsightSettings>
  /** The store's time zone for campaigns (the loyalty_campaigns module reads it). */
  campaigns?: CampaignsPluginOptions
  /** Member care: actions that earn, expiry reminders, notifications (the loyalty_points module reads them). */
  care?: CarePluginOptions
}

/** The `campaigns` key of the plugin options. */
export type CampaignsPluginOptions = {
  /** The store's IANA time zone ("Europe/Berlin"): campaigns' recurring days are its days (default "UTC"). */
  timeZone?: string
}

const POINTS_KEYS = [
  "earnRates",
  "pendingDays",
  "expiryMonths",
  "signupBonus",
  "pointValues",
  "minRedeemPoints",
  "redeemStep",
  "maxRedeemShare",
  "shippingRedeemable",
] as const satisfies readonly (keyof PointsPluginOptions & keyof DeprecatedFlatOptions)[]

/** Each deprecated flat tier option and its name under `tiers`. */
const TIER_KEYS = { tierWindow: "window", tierWindowMonths: "windowMonths", tierGraceDays: "graceDays" } as const

const defined = <T extends object>(entries: [string, unknown][]): Partial<T> =>
  Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as Partial<T>

/** The points options: `points.*`, else the flat names. */
export function pointsOptions(options: LoyaltyPluginOptions = {}): PointsPluginOptions {
  const flat = defined<PointsPluginOptions>(POINTS_KEYS.map((key) => [key, options[key]]))
  return { ...flat, ...defined<PointsPluginOptions>(Object.entries(options.points ?? {})) }
}

/** The tier options: `tiers.*`, else the flat `tier*` names. */
export function tiersOptions(options: LoyaltyPluginOptions = {}): TiersPluginOptions {
  const flat = defined<TiersPluginOptions>(
    Object.entries(TIER_KEYS).map(([old, key]) => [key, options[old as keyof typeof TIER_KEYS]])
  )
  return { ...flat, ...defined<TiersPluginOptions>(Object.entries(options.tiers ?? {})) }
}

/**
 * The note a module logs when the store still passes its options flat: which
 * ones, and their nested names. Null when none is used.
 */
export function deprecatedOptionsNote(options: LoyaltyPluginOptions = {}, feature: "points" | "tiers"): string | null {
  const renames = (
    feature === "points"
      ? POINTS_KEYS.map((key) => [key, `points.${key}`] as const)
      : Object.entries(TIER_KEYS).map(([old, key]) => [old, `tiers.${key}`] as const)
  ).filter(([old]) => options[old as keyof DeprecatedFlatOptions] !== undefined)
  if (!renames.length) return null
  return (
    "medusa-plugin-loyalty-points: flat plugin options are deprecated and will be removed in a later version; " +
    `nest them by feature: ${renames.map(([old, key]) => `${old} → ${key}`).join(", ")}`
  )
}

/**
 * A module loader that logs `deprecatedOptionsNote` once when the module
 * starts, for the modules that still read flat options (points, tiers).
 */
export function warnDeprecatedOptions(feature: "points" | "tiers") {
  return async ({ container, options, logger }: LoaderOptions<LoyaltyPluginOptions>) => {
    const note = deprecatedOptionsNote(options, feature)
    if (note) (logger ?? container.resolve(ContainerRegistrationKeys.LOGGER)).warn(note)
  }
}
