import { CampaignInputs, documentEarning } from "../campaigns/earning"
import { CampaignType } from "../campaigns/rules"
import { EarnableItem, EarningBreakdown } from "./earning"
import { ProgramRules } from "./program"
import {
  appliedPoints,
  pointsToMoney,
  RedeemableCart,
  redemptionLimits,
  RedemptionLimits,
  redemptionProblems,
} from "./redemption"

export type CartPointsInput = RedeemableCart & {
  items: EarnableItem[]
  is_member: boolean
}

export type CartPointsPreview = {
  currency_code: string
  /** What completing the cart as it stands earns; equals what the earn workflow will award. */
  points_to_earn: number
  earns: boolean
  earn_note: string | null
  earning: EarningBreakdown
  /** The live campaigns that add points to this cart, and how many each adds (before budgets and caps). */
  campaigns: { campaign_id: string; name: string; type: CampaignType; value: number; points: number }[]
  /** The shopper's available points; null when the caller is not the cart's owner. */
  balance: number | null
  redeem: RedemptionLimits | null
  applied: { points: number; value: number; fits: boolean; problems: string[] }
}

/**
 * Everything a storefront shows at checkout, from one cart and the rules:
 * points to earn (the earn formula on the cart, with the product rules and
 * the campaigns live now, so the promise equals the award unless a budget or
 * cap runs out first), the campaigns that add points, how many points may pay and what they are worth, and whether the
 * points already applied still fit after the cart changed.
 */
export function cartPointsPreview(
  rules: ProgramRules,
  cart: CartPointsInput,
  owner: { balance: number } | null,
  multiplier = 1,
  campaigns: { inputs: CampaignInputs; tier: { id: string; earn_multiplier: number } | null; at: Date } | null = null
): CartPointsPreview {
  const earned = documentEarning(rules, cart, {
    at: campaigns?.at ?? new Date(),
    tier: campaigns?.tier ?? null,
    tier_multiplier: multiplier,
    inputs: campaigns?.inputs ?? null,
  })
  const { rate, breakdown: earning } = earned
  const earns = cart.is_member && rate !== null
  const earnNote = !cart.is_member
    ? "Log in or create an account to earn points on this order"
    : rate === null
      ? `Orders in ${cart.currency_code.toUpperCase()} earn no points`
      : null

  const applied = appliedPoints(cart)
  const limits = owner ? redemptionLimits(rules, cart, owner.balance) : null
  let problems: string[] = []
  if (applied.points > 0 && owner && limits) {
    problems = appliedPointsProblems(rules, cart, owner.balance)
  }
  return {
    currency_code: cart.currency_code,
    points_to_earn: earns ? earning.points : 0,
    earns,
    earn_note: earnNote,
    earning,
    campaigns: earns
      ? earned.campaigns.map((c) => ({ campaign_id: c.campaign_id, name: c.name, type: c.type, value: c.value, points: c.points }))
      : [],
    balance: owner?.balance ?? null,
    redeem: limits,
    applied: { ...applied, fits: problems.length === 0, problems },
  }
}

/**
 * Why the points applied to a cart cannot be spent as they are now: the cart,
 * its promotions or the program changed since they were applied. Checked by
 * the preview and, authoritatively, at completion.
 */
export function appliedPointsProblems(rules: ProgramRules, cart: RedeemableCart, balance: number): string[] {
  const applied = appliedPoints(cart)
  if (applied.points <= 0) return []
  const limits = redemptionLimits(rules, cart, balance)
  const problems = redemptionProblems(applied.points, limits, balance)
  if (limits.point_value && applied.value !== pointsToMoney(applied.points, limits.point_value, cart.currency_code)) {
    problems.push("The value of a point has changed since the points were applied")
  }
  return problems
}
