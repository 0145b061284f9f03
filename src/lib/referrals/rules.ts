import { randomInt } from "crypto"
import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { normalizeEmail } from "../shared/mailbox"
import { REFERRAL_STATUSES, type ReferralStatus } from "../shared/vocabulary"

/* ------------------------------------------------------------------ */
/* Program settings                                                    */
/* ------------------------------------------------------------------ */

/**
 * The referral program as the rest of the plugin sees it: one plain object,
 * whether it comes from the plugin options (version 0) or from a version
 * saved in the admin. Rewards are points; coupon rewards wait for the coupons
 * feature.
 */
export type ReferralProgramSettings = {
  /** 0 when the settings come from the plugin options and nothing was saved yet. */
  version: number
  enabled: boolean
  /** Points for the customer who shared the code, once the friend's first qualifying order is past its return window. */
  referrer_points: number
  /** Points for the friend who used the code, at the same moment. */
  referee_points: number
  /** Smallest first order that qualifies, per currency, in major units (items after discounts, before tax and shipping). A currency not listed has no minimum. */
  min_order_amounts: Record<string, number>
  /** A new customer may claim a code this many days after creating their account. */
  claim_window_days: number
  /** Referrals per referrer per calendar month (UTC) before new ones are flagged for review; 0 = no cap. */
  monthly_cap: number
  /** Where share links point, e.g. `https://shop.example.com` or `https://shop.example.com/join?code={code}`. */
  storefront_url: string | null
  /**
   * Take both rewards back when the qualifying order is canceled or refunded
   * in full after they were paid (`referralRewardsForfeited`). On by default.
   */
  take_back_rewards: boolean
}

/** Claim attempts allowed per customer and per client address within a sliding window. */
export type ClaimAttemptLimits = {
  per_customer: number
  per_address: number
  window_minutes: number
}

/** The `referrals` key of the plugin options. */
export type ReferralPluginOptions = {
  enabled?: boolean
  referrerPoints?: number
  refereePoints?: number
  minOrderAmounts?: Record<string, number>
  claimWindowDays?: number
  monthlyCap?: number
  storefrontUrl?: string | null
  takeBackRewards?: boolean
  claimAttempts?: { perCustomer?: number; perAddress?: number; windowMinutes?: number }
}

const lowerKeys = (map: Record<string, number> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([code, value]) => [code.toLowerCase(), value]))

/**
 * The program a store starts with. Off until the merchant turns it on: a
 * referral program hands out value, so nobody should run one by accident.
 */
export function referralSettingsFromOptions(options: ReferralPluginOptions = {}): ReferralProgramSettings {
  return {
    version: 0,
    enabled: options.enabled ?? false,
    referrer_points: options.referrerPoints ?? 500,
    referee_points: options.refereePoints ?? 500,
    min_order_amounts: lowerKeys(options.minOrderAmounts),
    claim_window_days: options.claimWindowDays ?? 30,
    monthly_cap: options.monthlyCap ?? 10,
    storefront_url: options.storefrontUrl ?? null,
    take_back_rewards: options.takeBackRewards ?? true,
  }
}

/** What `referralRewardsForfeited` and `referralPayout` read of the qualifying order. */
export type QualifyingOrderState = { display_id: number | null; status: string; captured: BigNumberInput; refunded: BigNumberInput }

/**
 * What happened to the qualifying order that voids its referral's rewards
 * ("order #12 was canceled", "… was refunded in full"), or null: the program
 * takes rewards back and the order was canceled or refunded in full
 * (refunded cash ≥ captured cash, with cash captured). A partial refund keeps
 * them: the friend still bought from the store. One rule for taking rewards
 * back and for not paying them, so a referral ends the same whichever of the
 * cancel and the payment comes first.
 */
function qualifyingOrderLost(settings: Pick<ReferralProgramSettings, "take_back_rewards">, order: QualifyingOrderState): string | null {
  if (!settings.take_back_rewards) return null
  const label = order.display_id ? `order #${order.display_id}` : "the qualifying order"
  if (order.status === "canceled") return `${label} was canceled`
  if (MathBN.gt(order.captured, 0) && MathBN.gte(order.refunded, order.captured)) return `${label} was refunded in full`
  return null
}

/**
 * Whether a rewarded referral's rewards are to be taken back (see
 * `qualifyingOrderLost`). Returns why, or null.
 */
export function referralRewardsForfeited(
  settings: Pick<ReferralProgramSettings, "take_back_rewards">,
  order: QualifyingOrderState
): string | null {
  const lost = qualifyingOrderLost(settings, order)
  return lost ? `Referral reward taken back: ${lost}` : null
}

/**
 * The paid referrals of a page whose rewards are to be taken back now: their
 * qualifying order (in `orders`, by id) is canceled or refunded in full and
 * the program takes rewards back (`referralRewardsForfeited`). A referral
 * whose order cannot be read is left alone.
 */
export function referralsToTakeBack<T extends { order_id: string }>(
  settings: Pick<ReferralProgramSettings, "take_back_rewards">,
  referrals: T[],
  orders: Map<string, QualifyingOrderState>
): T[] {
  return referrals.filter((referral) => {
    const order = orders.get(referral.order_id)
    return !!order && referralRewardsForfeited(settings, order) !== null
  })
}

/** What a rewarded referral whose credits are not posted yet gets: which sides are paid, its status after, and why not all. */
export type ReferralPayout = {
  referrer: boolean
  referee: boolean
  /** `forfeited`: nothing is paid and the referral ends; `rewarded`: the sides above are paid. */
  status: "rewarded" | "forfeited"
  /** Shown to staff on the referral (`forfeit_reason`); null when both sides are paid. */
  reason: string | null
}

/**
 * Decide, right before crediting, what a rewarded referral pays. Checked at
 * the last moment because the referral was marked rewarded earlier (another
 * step, or minutes before by a run that crashed): since then its order may
 * have been canceled or refunded in full (then nothing is paid, the referral
 * is `forfeited`: paying it would keep rewards the take-back rule says go),
 * and a customer may have been deleted (their points account is closed and
 * refuses credits: that side forfeits its reward and the other side is paid
 * alone, so one deleted customer never blocks the other, and nothing is tried
 * again and rolled back each hour). An order that cannot be read (`null`)
 * does not stop the payment.
 */
export function referralPayout(
  settings: Pick<ReferralProgramSettings, "take_back_rewards">,
  order: QualifyingOrderState | null,
  closed: { referrer: boolean; referee: boolean }
): ReferralPayout {
  const lost = order ? qualifyingOrderLost(settings, order) : null
  if (lost) return { referrer: false, referee: false, status: "forfeited", reason: `Referral rewards not paid: ${lost}` }
  if (closed.referrer && closed.referee) {
    return { referrer: false, referee: false, status: "forfeited", reason: "Referral rewards not paid: both customer accounts were deleted" }
  }
  if (closed.referrer) {
    return { referrer: false, referee: true, status: "rewarded", reason: "The referrer's reward was not paid: their customer account was deleted" }
  }
  if (closed.referee) {
    return { referrer: true, referee: false, status: "rewarded", reason: "The friend's reward was not paid: their customer account was deleted" }
  }
  return { referrer: true, referee: true, status: "rewarded", reason: null }
}

export function claimLimitsFromOptions(options: ReferralPluginOptions = {}): ClaimAttemptLimits {
  return {
    per_customer: options.claimAttempts?.perCustomer ?? 5,
    per_address: options.claimAttempts?.perAddress ?? 20,
    window_minutes: options.claimAttempts?.windowMinutes ?? 60,
  }
}

/** Problems a merchant must fix before saving the referral program; empty when fine. */
export function validateReferralSettings(settings: Omit<ReferralProgramSettings, "version">): string[] {
  const problems: string[] = []
  for (const [code, amount] of Object.entries(settings.min_order_amounts)) {
    if (!/^[a-z]{3}$/.test(code)) problems.push(`min_order_amounts: "${code}" is not a 3-letter currency code`)
    if (!(amount >= 0)) problems.push(`min_order_amounts.${code} must be 0 or more`)
  }
  if (settings.enabled && settings.referrer_points <= 0 && settings.referee_points <= 0) {
    problems.push("An enabled program must reward the referrer, the friend, or both")
  }
  if (settings.storefront_url !== null && !isHttpUrl(settings.storefront_url)) {
    problems.push("storefront_url must be an http(s) URL")
  }
  return problems
}

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value.replace("{code}", "CODE"))
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/**
 * The link a customer shares: the storefront URL with `{code}` replaced, or
 * with `?ref=<code>` added when it has no placeholder. Null without a
 * storefront URL.
 */
export function shareLink(storefrontUrl: string | null, code: string): string | null {
  if (!storefrontUrl) return null
  if (storefrontUrl.includes("{code}")) {
    return storefrontUrl.split("{code}").join(encodeURIComponent(code))
  }
  const url = new URL(storefrontUrl)
  url.searchParams.set("ref", code)
  return url.toString()
}

/* ------------------------------------------------------------------ */
/* Codes                                                               */
/* ------------------------------------------------------------------ */

/** 30 symbols a person reads and types without confusion: no 0/O, 1/I/L, and no U. */
export const REFERRAL_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
/** 10 symbols: 30^10 ≈ 5.9 × 10^14 codes (49 bits), shown as two groups of five. */
export const REFERRAL_CODE_LENGTH = 10

/**
 * A new code: one CSPRNG draw per symbol (`crypto.randomInt`, unbiased), so
 * codes cannot be predicted from one another. Uniqueness is the database's
 * job (a unique index and a retry), not this function's.
 */
export function generateReferralCode(draw: (max: number) => number = randomInt): string {
  let symbols = ""
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++) {
    symbols += REFERRAL_CODE_ALPHABET[draw(REFERRAL_CODE_ALPHABET.length)]
  }
  return formatReferralCode(symbols)
}

const formatReferralCode = (symbols: string) => `${symbols.slice(0, 5)}-${symbols.slice(5)}`

/**
 * A typed code in its stored form ("abcde fghjk" → "ABCDE-FGHJK"), or null
 * when it cannot be a code. Callers treat null exactly like an unknown code.
 */
export function normalizeReferralCode(input: string): string | null {
  const symbols = input.toUpperCase().replace(/[\s-]/g, "")
  if (symbols.length !== REFERRAL_CODE_LENGTH) return null
  for (const symbol of symbols) {
    if (!REFERRAL_CODE_ALPHABET.includes(symbol)) return null
  }
  return formatReferralCode(symbols)
}

/* ------------------------------------------------------------------ */
/* Claims                                                              */
/* ------------------------------------------------------------------ */

/**
 * The one answer for a code that is unknown, the claimant's own, or its
 * owner's no longer able to refer: the reply never tells which, so nobody can
 * learn which codes exist by trying.
 */
export const CODE_NOT_ACCEPTED =
  "This referral code can't be used. Check that it is typed correctly; your own code can't be used."

export type Claimant = {
  has_account: boolean
  created_at: Date | string
  /** The claimant, or a guest customer with the same normalized email, has placed an order. */
  has_orders: boolean
  already_referred: boolean
}

/**
 * Why this customer may not claim any code right now, or null. These reasons
 * depend only on the claimant, never on the code, so saying them reveals
 * nothing about which codes exist.
 */
export function claimRefusal(program: ReferralProgramSettings, claimant: Claimant, now: Date): string | null {
  if (!program.enabled) return "The referral program is not running right now."
  if (!claimant.has_account) return "Create an account to use a referral code."
  if (claimant.already_referred) return "You have already used a referral code."
  if (claimant.has_orders) return "Referral codes can only be used before your first order."
  const windowEnd = new Date(claimant.created_at).getTime() + program.claim_window_days * DAY_MS
  if (now.getTime() > windowEnd) {
    return `Referral codes can only be used within ${program.claim_window_days} days of creating your account.`
  }
  return null
}

const DAY_MS = 24 * 60 * 60 * 1000

/* ------------------------------------------------------------------ */
/* Identity: normalized email, phone and address                       */
/* ------------------------------------------------------------------ */

export { normalizeEmail } from "../shared/mailbox"

/**
 * A phone number reduced to its last 9 digits, so `+49 170 1234567`,
 * `0049 170 1234567` and `0170 1234567` compare equal. Too short to mean
 * anything (fewer than 6 digits) is null.
 */
export function normalizePhone(phone: string | null | undefined): string | null {
  if (!phone) return null
  const digits = phone.replace(/\D/g, "")
  if (digits.length < 6) return null
  return digits.slice(-9)
}

export type AddressLike = {
  address_1?: string | null
  address_2?: string | null
  postal_code?: string | null
  city?: string | null
  country_code?: string | null
  phone?: string | null
}

const simplify = (text: string | null | undefined) =>
  (text ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/(strasse|street|str)\b\.?/g, "str")
    .replace(/[^a-z0-9]/g, "")

/**
 * One key per delivery address: country, postal code (or city) and street
 * line, with case, accents, spacing, punctuation and "Straße/Str./Street"
 * spellings ignored. Null when the address is too incomplete to compare.
 */
export function addressKey(address: AddressLike | null | undefined): string | null {
  if (!address) return null
  const street = simplify(address.address_1) + simplify(address.address_2)
  const place = simplify(address.postal_code) || simplify(address.city)
  if (!street || !place) return null
  return `${simplify(address.country_code)}|${place}|${street}`
}

const describeAddress = (address: AddressLike) =>
  [address.address_1, [address.postal_code, address.city].filter(Boolean).join(" "), address.country_code?.toUpperCase()]
    .filter(Boolean)
    .join(", ")

/** What the fraud rules compare about a person. */
export type ReferralIdentity = {
  email: string | null
  phones: (string | null | undefined)[]
  addresses: AddressLike[]
}

/* ------------------------------------------------------------------ */
/* Fraud rules                                                         */
/* ------------------------------------------------------------------ */

export type ReferralFlagRule =
  | "same_email"
  | "same_phone"
  | "same_address"
  | "velocity"
  | "order_canceled"
  | "order_refunded"

/**
 * One reason a referral waits for a person. `key` says what was found (an
 * order's cancellation is keyed by the order), so a flag an admin cleared is
 * not raised again for the same finding.
 */
export type ReferralFlag = {
  key: string
  rule: ReferralFlagRule
  message: string
  order_id: string | null
  detected_at: string
  /** Set when an admin approved the referral despite this flag. */
  cleared_at: string | null
}

export type NewReferralFlag = Pick<ReferralFlag, "key" | "rule" | "message" | "order_id">

/**
 * Self-referral under another account: the friend shares the referrer's
 * mailbox (dots and plus-tags ignored), phone number or delivery address.
 */
export function identityFlags(
  referrer: ReferralIdentity,
  referee: ReferralIdentity,
  orderId: string | null = null
): NewReferralFlag[] {
  const flags: NewReferralFlag[] = []
  const email = normalizeEmail(referee.email)
  if (email && email === normalizeEmail(referrer.email)) {
    flags.push({
      key: "same_email",
      rule: "same_email",
      message: `Same email as the referrer once dots and "+" tags are ignored (${email})`,
      order_id: orderId,
    })
  }
  const referrerPhones = new Set(referrer.phones.map(normalizePhone).filter(Boolean))
  const phone = referee.phones.map(normalizePhone).find((p) => p && referrerPhones.has(p))
  if (phone) {
    flags.push({
      key: "same_phone",
      rule: "same_phone",
      message: `Same phone number as the referrer (ending ${phone.slice(-4)})`,
      order_id: orderId,
    })
  }
  const referrerAddresses = new Set(referrer.addresses.map(addressKey).filter(Boolean))
  const address = referee.addresses.find((a) => {
    const key = addressKey(a)
    return key !== null && referrerAddresses.has(key)
  })
  if (address) {
    flags.push({
      key: "same_address",
      rule: "same_address",
      message: `Same address as the referrer (${describeAddress(address)})`,
      order_id: orderId,
    })
  }
  return flags
}

/** The first instant of `now`'s calendar month, UTC: the cap counts per calendar month. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
}

const ordinal = (n: number) => {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`
}

/**
 * Velocity: the referrer already has `claimedThisMonth` referrals this month
 * (rejected ones not counted); one more than the cap is flagged.
 */
export function velocityFlag(claimedThisMonth: number, cap: number): NewReferralFlag | null {
  if (cap <= 0 || claimedThisMonth < cap) return null
  return {
    key: "velocity",
    rule: "velocity",
    message: `The referrer's ${ordinal(claimedThisMonth + 1)} referral this month; the monthly cap is ${cap}`,
    order_id: null,
  }
}

/** New flags appended to the existing ones, stamped with when they were found; a key already there is kept as is. */
export function stampFlags(existing: ReferralFlag[], added: NewReferralFlag[], now: Date): ReferralFlag[] {
  const keys = new Set(existing.map((flag) => flag.key))
  const fresh = added
    .filter((flag) => !keys.has(flag.key))
    .map((flag) => ({ ...flag, detected_at: now.toISOString(), cleared_at: null }))
  return [...existing, ...fresh]
}

/* ------------------------------------------------------------------ */
/* Claim rate limit                                                    */
/* ------------------------------------------------------------------ */

/** The attempts counted in the window for one customer and one address, with each side's oldest, and the clock. */
export type ClaimWindowCounts = {
  by_customer: number
  customer_oldest: Date | string | null
  by_address: number
  address_oldest: Date | string | null
  now: Date | string
}

/**
 * Which limit refuses one more attempt, and how long until the oldest
 * counted attempt leaves the window (at least a second); null when both allow
 * it. The customer's limit is looked at first.
 */
export function claimLimitHit(
  counts: ClaimWindowCounts,
  limits: ClaimAttemptLimits
): { limited_by: "customer" | "address"; retry_after_seconds: number } | null {
  const windowMs = limits.window_minutes * 60_000
  const retryAfter = (oldest: Date | string | null) =>
    oldest
      ? Math.max(1, Math.ceil((new Date(oldest).getTime() + windowMs - new Date(counts.now).getTime()) / 1000))
      : 1
  if (counts.by_customer >= limits.per_customer) {
    return { limited_by: "customer", retry_after_seconds: retryAfter(counts.customer_oldest) }
  }
  if (counts.by_address >= limits.per_address) {
    return { limited_by: "address", retry_after_seconds: retryAfter(counts.address_oldest) }
  }
  return null
}

/* ------------------------------------------------------------------ */
/* Assessment: wait, qualify, flag or reward                           */
/* ------------------------------------------------------------------ */

export type { ReferralStatus }

/** Statuses in which the referral is still being watched for its qualifying order. */
export const OPEN_REFERRAL_STATUSES: ReferralStatus[] = ["claimed", "qualified"]

/** A referrer's referrals and the referrer's points by status ("you invited 4 friends, 600 points earned"). */
export function summarizeByStatus(
  referrals: { status: ReferralStatus; referrer_points: number }[]
): Record<ReferralStatus, { count: number; points: number }> {
  const summary = Object.fromEntries(REFERRAL_STATUSES.map((status) => [status, { count: 0, points: 0 }])) as Record<
    ReferralStatus,
    { count: number; points: number }
  >
  for (const referral of referrals) {
    summary[referral.status].count++
    summary[referral.status].points += referral.referrer_points
  }
  return summary
}

/* ------------------------------------------------------------------ */
/* An admin's decision                                                 */
/* ------------------------------------------------------------------ */

export type ReferralDecisionVerb = "approve" | "reject"

/** Approving takes a flagged referral only; rejecting any referral not yet rewarded (nor rejected). */
export function decisionFrom(decision: ReferralDecisionVerb): ReferralStatus[] {
  return decision === "approve" ? ["flagged"] : ["claimed", "qualified", "flagged"]
}

/**
 * What a decision writes: approving clears the flags (each stamped with when)
 * and puts the referral back in the running as `claimed`; rejecting ends it
 * and keeps its flags as they were.
 */
export function decisionChange(
  flags: ReferralFlag[],
  input: { decision: ReferralDecisionVerb; actor_id: string; note: string; now: Date }
): {
  status: ReferralStatus
  flags: ReferralFlag[]
  decision: "approved" | "rejected"
  decided_by: string
  decided_at: Date
  decision_note: string
} {
  const approve = input.decision === "approve"
  return {
    status: approve ? "claimed" : "rejected",
    flags: approve ? flags.map((flag) => (flag.cleared_at ? flag : { ...flag, cleared_at: input.now.toISOString() })) : flags,
    decision: approve ? "approved" : "rejected",
    decided_by: input.actor_id,
    decided_at: input.now,
    decision_note: input.note,
  }
}

/** Why a referral in `status` cannot take the decision (it is in none of `decisionFrom`'s statuses). */
export function decisionRefusal(decision: ReferralDecisionVerb, status: ReferralStatus): string {
  return decision === "approve"
    ? `Only a flagged referral can be approved; this one is ${status}`
    : `A ${status} referral can no longer be rejected`
}

/** A referee's order as the assessment sees it. */
export type RefereeOrder = {
  id: string
  display_id: number | null
  created_at: Date | string
  status: string
  currency_code: string
  email: string | null
  /** Items after discounts, before tax and shipping (what the earn rule counts). */
  amount: number
  /** Cash captured and refunded (the order's `capture` and `refund` transactions). */
  captured: number
  refunded: number
  shipping_address: AddressLike | null
  /** Its points were released (or, for an order that earned none, its return window ended). */
  window_passed: boolean
}

export type ReferralForAssessment = {
  status: ReferralStatus
  order_id: string | null
  flags: ReferralFlag[]
  min_order_amounts: Record<string, number>
}

export type ReferralDecision =
  | { action: "wait"; order_id: string | null; reason: string }
  | { action: "qualify"; order_id: string }
  | { action: "flag"; order_id: string | null; flags: NewReferralFlag[] }
  | { action: "reward"; order_id: string }

/**
 * Whether a refund takes a friend's order out of the running: refunded in
 * full (or refunded with nothing captured), or what is left of its amount
 * after refunds — scaled down by the share of the captured cash refunded, the
 * rule that reverses the order's points — is below the minimum. A partial
 * refund that leaves the minimum keeps the order qualifying, as a partial
 * refund after the payout keeps the rewards (`qualifyingOrderLost`).
 */
export function refundDisqualifies(order: Pick<RefereeOrder, "amount" | "captured" | "refunded">, minimum: number): boolean {
  if (!MathBN.gt(order.refunded, 0)) return false
  if (!MathBN.gt(order.captured, 0) || MathBN.gte(order.refunded, order.captured)) return true
  const kept = MathBN.mult(order.amount, MathBN.sub(1, MathBN.div(order.refunded, order.captured)))
  return MathBN.lt(kept, minimum)
}

const label = (order: Pick<RefereeOrder, "id" | "display_id">) =>
  order.display_id ? `Order #${order.display_id}` : `Order ${order.id}`

/**
 * What to do with an open referral now. The qualifying order is the friend's
 * first order, placed after the claim, that reaches the minimum amount:
 * - canceled, refunded in full, or refunded below the minimum
 *   (`refundDisqualifies`) → flagged (it never rewards; an admin who approves
 *   anyway lets a later order qualify instead); a partial refund that leaves
 *   the minimum does not stop it;
 * - shipped to, or paid from, the referrer's identity → flagged;
 * - inside its return window → qualified, waiting;
 * - past it → reward both sides.
 * A flag an admin already cleared is not raised again.
 */
export function assessReferral(
  referral: ReferralForAssessment,
  orders: RefereeOrder[],
  referrer: ReferralIdentity
): ReferralDecision {
  if (!OPEN_REFERRAL_STATUSES.includes(referral.status)) {
    return { action: "wait", order_id: referral.order_id, reason: `Referral is ${referral.status}` }
  }
  const known = new Set(referral.flags.map((flag) => flag.key))
  const fresh = (flags: NewReferralFlag[]) => flags.filter((flag) => !known.has(flag.key))
  const sorted = [...orders].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())

  for (const order of sorted) {
    const minimum = referral.min_order_amounts[order.currency_code.toLowerCase()] ?? 0
    if (order.amount < minimum) continue

    if (order.status === "canceled") {
      const flags = fresh([
        {
          key: `order_canceled:${order.id}`,
          rule: "order_canceled",
          message: `${label(order)}, the friend's first qualifying order, was canceled`,
          order_id: order.id,
        },
      ])
      if (flags.length) return { action: "flag", order_id: order.id, flags }
      continue
    }
    if (refundDisqualifies(order, minimum)) {
      const flags = fresh([
        {
          key: `order_refunded:${order.id}`,
          rule: "order_refunded",
          message: `${label(order)}, the friend's first qualifying order, was refunded (${order.refunded} ${order.currency_code.toUpperCase()})`,
          order_id: order.id,
        },
      ])
      if (flags.length) return { action: "flag", order_id: order.id, flags }
      continue
    }

    const identity = fresh(
      identityFlags(
        referrer,
        {
          email: order.email,
          phones: [order.shipping_address?.phone],
          addresses: order.shipping_address ? [order.shipping_address] : [],
        },
        order.id
      )
    )
    if (identity.length) return { action: "flag", order_id: order.id, flags: identity }

    if (!order.window_passed) {
      return referral.status === "qualified" && referral.order_id === order.id
        ? { action: "wait", order_id: order.id, reason: `${label(order)} is inside its return window` }
        : { action: "qualify", order_id: order.id }
    }
    return { action: "reward", order_id: order.id }
  }
  return { action: "wait", order_id: null, reason: "No qualifying order yet" }
}

/* ------------------------------------------------------------------ */
/* Rate limit key                                                      */
/* ------------------------------------------------------------------ */

/**
 * The address a claim attempt is counted against. IPv4 as is (also when
 * written IPv4-mapped, `::ffff:1.2.3.4`); IPv6 by its /64 network, because
 * one subscriber usually holds a whole /64 and could otherwise rotate
 * through addresses for free.
 */
export function clientAddressKey(ip: string | null | undefined): string {
  if (!ip) return "unknown"
  const address = ip.trim().toLowerCase().replace(/^\[|\]$/g, "").split("%")[0]
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/)
  if (mapped) return mapped[1]
  if (!address.includes(":")) return address
  const [head, tail] = address.split("::")
  const left = head ? head.split(":") : []
  const right = tail !== undefined && tail ? tail.split(":") : []
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
  return `${groups
    .slice(0, 4)
    .map((group) => (parseInt(group || "0", 16) || 0).toString(16))
    .join(":")}::/64`
}
