/**
 * Loyalty building blocks for a Medusa storefront (React 18, no other
 * dependency than the plugin's typed client on @medusajs/js-sdk).
 * Copy this folder; see ../../README.md.
 */
export { LoyaltyProvider, useLoyaltyClient, useLoyaltyInvalidate } from "./context"
export { useLoyaltyAccount, useLoyaltyEntries, useCartLoyalty, useMemberPreferences } from "./hooks"
export { MemberPreferences } from "./MemberPreferences"
export type { CartLoyalty } from "./hooks"
export { LoyaltyBalance } from "./LoyaltyBalance"
export { PointsToEarn } from "./PointsToEarn"
export { RedeemPoints } from "./RedeemPoints"
export { LoyaltyHistory, entryChange } from "./LoyaltyHistory"
export { formatMoney, formatPoints, errorMessage } from "./format"
