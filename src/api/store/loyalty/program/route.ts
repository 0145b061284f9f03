import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { earnRateFor } from "../../../../lib/points/program"
import { describeWindow, storeTierView, tiersModule } from "../../../utils/tier-views"
import { pointsModule, storeCurrencies } from "../../../utils/views"

/**
 * The public rules a storefront shows: how each store currency earns (or that
 * it earns nothing), the return window, expiry and the sign-up bonus; the
 * tiers with their thresholds, multipliers and perks, and how they qualify.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const rules = await pointsModule(req.scope).getProgramRules()
  const currencies = await storeCurrencies(req.scope)
  const [tiers, tierSettings] = await Promise.all([
    tiersModule(req.scope).listTiersByRank(),
    tiersModule(req.scope).getSettings(),
  ])
  res.json({
    program: {
      version: rules.version,
      pending_days: rules.pending_days,
      expiry_months: rules.expiry_months,
      signup_bonus: rules.signup_bonus,
      min_redeem_points: rules.min_redeem_points,
      redeem_step: rules.redeem_step,
      max_redeem_share: rules.max_redeem_share,
      shipping_redeemable: rules.shipping_redeemable,
      currencies: currencies.map((code) => {
        const rate = earnRateFor(rules, code)
        return {
          currency_code: code,
          earn_rate: rate,
          point_value: rules.point_values[code] ?? null,
          earns: rate !== null,
          description:
            rate === null
              ? `Orders in ${code.toUpperCase()} earn no points`
              : `Orders in ${code.toUpperCase()} earn ${rate} point${rate === 1 ? "" : "s"} per 1 ${code.toUpperCase()} spent on items, after discounts, before tax and shipping`,
        }
      }),
      tiers: tiers.map(storeTierView),
      tier_qualification: { ...tierSettings, description: describeWindow(tierSettings) },
    },
  })
}
