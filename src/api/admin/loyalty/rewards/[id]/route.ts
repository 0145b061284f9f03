import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { deleteRewardWorkflow, updateRewardWorkflow } from "../../../../../workflows/rewards"
import { pointsModule } from "../../../../utils/views"
import { rewardProblems, RewardShape } from "../../../../../lib/rewards/rules"
import { AdminUpdateRewardType } from "../../validators"

/** One reward; 404 when there is none. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ reward: await pointsModule(req.scope).retrieveReward(req.params.id) })
}

/** Change a reward; the kind's rules are checked on the reward as it would be after the change. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateRewardType>, res: MedusaResponse) {
  const current = await pointsModule(req.scope).retrieveReward(req.params.id)
  const problems = rewardProblems({ ...(current as RewardShape), ...req.validatedBody })
  if (problems.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
  }
  const { result } = await updateRewardWorkflow(req.scope).run({ input: { id: req.params.id, ...req.validatedBody } })
  res.json({ reward: result })
}

/** Withdraw a reward; coupons already bought stay valid. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await deleteRewardWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: req.params.id, object: "loyalty_reward", deleted: true })
}
