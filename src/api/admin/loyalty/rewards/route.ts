import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createRewardWorkflow } from "../../../../workflows/rewards"
import { pointsModule } from "../../../utils/views"
import { AdminCreateRewardType } from "../validators"

/** The rewards catalog, newest first, with how many coupons each has sold. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const service = pointsModule(req.scope)
  const rewards = await service.listRewards({}, { order: { created_at: "DESC" } })
  const coupons = rewards.length
    ? await service.listCoupons({ reward_id: rewards.map((r) => r.id) }, { select: ["id", "reward_id"] })
    : []
  const sold = new Map<string, number>()
  for (const coupon of coupons) sold.set(coupon.reward_id, (sold.get(coupon.reward_id) ?? 0) + 1)
  res.json({ rewards: rewards.map((reward) => ({ ...reward, coupons_issued: sold.get(reward.id) ?? 0 })) })
}

/** Add a reward to the catalog. */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateRewardType>, res: MedusaResponse) {
  const { result } = await createRewardWorkflow(req.scope).run({ input: req.validatedBody })
  res.status(201).json({ reward: result })
}
