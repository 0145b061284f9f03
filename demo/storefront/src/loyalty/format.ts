/** Display helpers shared by the loyalty components. Replace them with your storefront's own. */

export const formatPoints = (points: number) => new Intl.NumberFormat("en-US").format(points)

/**
 * Medusa v2 amounts are in the currency's main unit (12.5 = €12.50), and so
 * are the plugin's values (a point's value, the value of applied points).
 */
export function formatMoney(amount: number, currencyCode: string, locale = "en-US") {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode.toUpperCase() }).format(amount)
  } catch {
    return `${amount.toFixed(2)} ${currencyCode.toUpperCase()}`
  }
}

/** The message of an error thrown by @medusajs/js-sdk (it carries the server's `message`). */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") {
    return error.message
  }
  return String(error)
}
