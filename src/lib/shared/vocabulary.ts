/**
 * The plugin's words, typed once and shared by the models, the routes'
 * validators, the admin pages and the storefront client: the kinds of ledger
 * entries, who acts, what an entry refers to, and the bounds every form and
 * validator checks. Pure data with no imports, so the admin bundle and the
 * client can use it as they are.
 */

/** Every change to a balance is one of these (DESIGN: the ledger). */
export const ENTRY_TYPES = ["earn", "pending", "release", "redeem", "reverse", "expire", "adjust", "restore"] as const
export type EntryType = (typeof ENTRY_TYPES)[number]

/** Who caused an entry. */
export const ACTOR_TYPES = ["customer", "system", "admin"] as const
export type ActorType = (typeof ACTOR_TYPES)[number]

/** What an entry's `reference_id` points at. */
export const ReferenceTypes = {
  /** An earning action, by its code (`birthday`, `review`, the store's own): its limit counts these. */
  ACTION: "action",
  ORDER: "order",
  CART: "cart",
  COUPON: "coupon",
  CUSTOMER: "customer",
  ENTRY: "entry",
  FEEDBACK: "feedback",
  /** A member import run (`loyalty_member_import`). */
  IMPORT: "import",
  LOT: "lot",
  REFERRAL: "referral",
  TIER: "tier",
} as const
export type ReferenceType = (typeof ReferenceTypes)[keyof typeof ReferenceTypes]

/** Where an order's earning facts (`loyalty_order_fact`) came from: its award, or Medusa's order tables afterwards. */
export const ORDER_FACT_SOURCES = ["award", "history"] as const
export type OrderFactSource = (typeof ORDER_FACT_SOURCES)[number]

/** The reward kinds Medusa promotions can enforce. */
export const REWARD_KINDS = ["fixed_amount", "percentage", "free_shipping"] as const
export type RewardKind = (typeof REWARD_KINDS)[number]

/** The period an earning action's per-customer limit counts over (`lifetime`: ever). */
export const LIMIT_PERIODS = ["day", "week", "month", "year", "lifetime"] as const
export type LimitPeriod = (typeof LIMIT_PERIODS)[number]

/**
 * A referral's life: claimed → qualified → rewarded, or flagged for review, or
 * rejected; or `forfeited`: marked rewarded, but nothing was paid because the
 * qualifying order was canceled or refunded in full (or both customers were
 * deleted) before the credits were posted. The reason is on the referral.
 */
export const REFERRAL_STATUSES = ["claimed", "qualified", "rewarded", "flagged", "rejected", "forfeited"] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]

/** An inclusive whole-number range. */
export type Bounds = { readonly min: number; readonly max: number }

/** The points one bonus pays (a sign-up bonus, a referral reward, a tier's bonus): at most 1,000,000, as every other bonus. */
const BONUS_POINTS = { min: 0, max: 1_000_000 } as const

/**
 * The bounds the routes validate and the admin forms check before sending
 * (the server stays the judge).
 */
export const Limits = {
  /**
   * The most points any figure of an account (balance, pending, debt, points
   * earned and redeemed in all) and any one entry hold: the ledger's columns
   * are 32-bit integers. A posting past it is refused with a 400.
   */
  account_points: 2_147_483_647,
  /**
   * The most points one order earns (base, tier and campaigns together):
   * the rest is not earned, and the entry's reason and `uncapped_points` say
   * so. Far inside `account_points`, so that no order's points overflow.
   */
  order_points: 100_000_000,
  /** An earn rate (program) or a campaign's amount-bonus rate: points per major unit of money. */
  earn_rate: 1_000,
  /** A multiplier campaign's value (an order bonus is at most 1,000,000 points, as every other bonus). */
  campaign_multiplier: 100,
  /** A manual adjustment: |points| at most this, never 0. */
  adjustment_points: 1_000_000,
  /** An adjustment's reason, a referral decision's note. */
  reason_length: 500,
  program: {
    pending_days: { min: 0, max: 365 },
    expiry_months: { min: 0, max: 120 },
    signup_bonus: BONUS_POINTS,
    min_redeem_points: { min: 0, max: 10_000_000 },
    redeem_step: { min: 1, max: 1_000_000 },
  },
  /** A point value or minimum order, per currency (an earn rate: `earn_rate`). */
  per_currency: 1_000_000,
  referral_program: {
    referrer_points: BONUS_POINTS,
    referee_points: BONUS_POINTS,
    claim_window_days: { min: 0, max: 3650 },
    monthly_cap: { min: 0, max: 100_000 },
  },
  /** Bounds shared by the tier validators, the tiers module and the admin. */
  tier: {
    max_tiers: 20,
    max_threshold: 1_000_000_000,
    min_multiplier: 1,
    max_multiplier: 10,
    max_bonus_points: BONUS_POINTS.max,
    max_window_months: 120,
    max_grace_days: 365,
  },
  reward: {
    name_length: 200,
    description_length: 2000,
    points_cost: { min: 1, max: 100_000_000 },
    per_customer_limit: { min: 1, max: 1000 },
    valid_days: { min: 1, max: 3650 },
  },
} as const satisfies Record<string, number | Bounds | Record<string, number | Bounds>>
