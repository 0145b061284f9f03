import type { LoyaltyEntryType, LoyaltyReward } from "./loyalty-api"

const numberFormat = new Intl.NumberFormat("en-US", {
  maximumFractionDigits: 0,
})

// "12 Mar 2027"
const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
})

const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
})

/** Numbers may arrive as strings (big numbers); never show NaN. */
export const toNumber = (value: unknown): number => {
  const n = typeof value === "string" ? Number(value) : value
  return typeof n === "number" && Number.isFinite(n) ? n : 0
}

export const formatPoints = (value: unknown) =>
  numberFormat.format(toNumber(value))

/** "+120", "−40", "0" (typographic minus). */
export const formatSignedPoints = (value: unknown) => {
  const n = toNumber(value)
  if (n > 0) return `+${numberFormat.format(n)}`
  if (n < 0) return `\u2212${numberFormat.format(Math.abs(n))}`
  return "0"
}

const isValidDate = (d: Date) => !Number.isNaN(d.getTime())

export const formatDate = (iso: string | null | undefined) => {
  if (!iso) return "-"
  const d = new Date(iso)
  return isValidDate(d) ? dateFormat.format(d) : "-"
}

export const formatDateTime = (iso: string | null | undefined) => {
  if (!iso) return "-"
  const d = new Date(iso)
  return isValidDate(d) ? dateTimeFormat.format(d) : "-"
}

export const pluralPoints = (n: number) =>
  Math.abs(n) === 1 ? "point" : "points"

export const ENTRY_TYPE_LABELS: Record<LoyaltyEntryType, string> = {
  earn: "Earned",
  pending: "Pending",
  release: "Released",
  redeem: "Redeemed",
  reverse: "Reversed",
  expire: "Expired",
  adjust: "Adjusted",
  restore: "Restored",
}

export type BadgeColor = "green" | "red" | "blue" | "orange" | "grey" | "purple"

export const ENTRY_TYPE_COLORS: Record<LoyaltyEntryType, BadgeColor> = {
  earn: "green",
  pending: "orange",
  release: "green",
  redeem: "blue",
  reverse: "red",
  expire: "grey",
  adjust: "purple",
  restore: "blue",
}

export const REFERRAL_STATUS_LABELS: Record<string, string> = {
  claimed: "Claimed",
  qualified: "Qualified",
  rewarded: "Rewarded",
  flagged: "Flagged",
  rejected: "Rejected",
  forfeited: "Not paid",
}

export const REFERRAL_STATUS_COLORS: Record<string, BadgeColor> = {
  claimed: "grey",
  qualified: "blue",
  rewarded: "green",
  flagged: "orange",
  rejected: "red",
  forfeited: "red",
}

/** "Alice Smith <alice@example.com>", or what is left of a deleted customer. */
export const formatParty = (party: {
  id: string
  email: string | null
  first_name: string | null
  last_name: string | null
  deleted?: boolean
}) => {
  if (party.deleted) return `Deleted customer (${party.id})`
  const name = [party.first_name, party.last_name].filter(Boolean).join(" ")
  return name && party.email ? `${name} <${party.email}>` : party.email || name || party.id
}

const amountFormat = new Intl.NumberFormat("en-US", {
  maximumFractionDigits: 2,
})

export const REWARD_KIND_LABELS: Record<LoyaltyReward["kind"], string> = {
  fixed_amount: "Fixed amount",
  percentage: "Percentage",
  free_shipping: "Free shipping",
}

/** "5 EUR / 6 USD off", "10 % off items", "Free shipping". */
export const formatRewardValue = (
  reward: Pick<LoyaltyReward, "kind" | "amounts" | "percentage">
) => {
  if (reward.kind === "free_shipping") return "Free shipping"
  if (reward.kind === "percentage") {
    return `${amountFormat.format(toNumber(reward.percentage))} % off items`
  }
  const amounts = Object.entries(reward.amounts ?? {})
  return amounts.length
    ? `${amounts
        .map(([code, n]) => `${amountFormat.format(toNumber(n))} ${code.toUpperCase()}`)
        .join(" / ")} off`
    : "-"
}

/** "Always", "From 1 Mar 2027", "Until 2 Mar 2027", "1 Mar 2027 – 2 Mar 2027". */
export const formatWindow = (
  startsAt: string | null | undefined,
  endsAt: string | null | undefined
) => {
  if (startsAt && endsAt) return `${formatDate(startsAt)} \u2013 ${formatDate(endsAt)}`
  if (startsAt) return `From ${formatDate(startsAt)}`
  if (endsAt) return `Until ${formatDate(endsAt)}`
  return "Always"
}
