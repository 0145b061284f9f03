import type { StoreCartLoyalty } from "medusa-plugin-loyalty-points/client"
import { formatMoney, formatPoints } from "./format"

/**
 * "This order earns N points", from the cart preview (`useCartLoyalty(cartId).loyalty`).
 * The number is computed by the same formula the plugin uses when it awards
 * the points, so the promise equals the award: items after discounts, without
 * tax and shipping, and without the part paid with points. The live
 * campaigns that add points (a member day, a holiday bonus) are listed under it.
 */
export function PointsToEarn({ loyalty }: { loyalty: StoreCartLoyalty | null }) {
  if (!loyalty) return null
  if (!loyalty.earns) {
    return (
      <p data-testid="points-to-earn" data-points={0} className="loyalty-muted">
        {loyalty.earn_note ?? "This order earns no points"}
      </p>
    )
  }
  const { earning, currency_code } = loyalty
  return (
    <div data-testid="points-to-earn" data-points={loyalty.points_to_earn} className="loyalty-earn">
      This order earns <strong>{formatPoints(loyalty.points_to_earn)} points</strong>
      {loyalty.campaigns.length > 0 && (
        <ul data-testid="points-campaigns" className="loyalty-muted">
          {loyalty.campaigns.map((campaign) => (
            <li key={campaign.campaign_id} data-testid="points-campaign">
              {campaign.name}
              {campaign.type === "multiplier" ? ` (×${campaign.value})` : ""}: +{formatPoints(campaign.points)} points
            </li>
          ))}
        </ul>
      )}
      {earning.points_credit > 0 && (
        <div className="loyalty-muted">
          on the {formatMoney(earning.eligible_amount, currency_code)} of items paid with money (points paying{" "}
          {formatMoney(earning.points_credit, currency_code)} earn nothing)
        </div>
      )}
    </div>
  )
}
