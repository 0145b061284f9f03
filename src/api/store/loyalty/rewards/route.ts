import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { rewardUnavailableReason } from "../../../../lib/rewards/rules"
import { pointsModule } from "../../../utils/views"

/** The rewards shoppers can buy with points now, cheapest first. */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const now = new Date()
  const rewards = await pointsModule(req.scope).listRewards({ is_active: true }, { order: { points_cost: "ASC" } })
  res.json({
    rewards: rewards
      .filter((reward) => rewardUnavailableReason(reward, now) === null)
      .map((reward) => ({
        id: reward.id,
        name: reward.name,
        description: reward.description,
        kind: reward.kind,
        amounts: reward.amounts,
        percentage: reward.percentage,
        points_cost: reward.points_cost,
        valid_days: reward.valid_days,
        ends_at: reward.ends_at,
        per_customer_limit: reward.per_customer_limit,
        refund_on_expiry: reward.refund_on_expiry,
      })),
  })
}
