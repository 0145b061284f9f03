import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { deleteRewardWorkflow, updateRewardWorkflow } from "../../../../../workflows/rewards"
import { pointsModule } from "../../../../utils/views"
import { rewardProblems, RewardShape } from "../../../../../lib/rewards/rules"
import { AdminUpdateRewardType } from "../../validators"

async function retrieve(req: AuthenticatedMedusaRequest, id: string) {
  const [reward] = await pointsModule(req.scope).listRewards({ id })
  if (!reward) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Reward ${id} was not found`)
  return reward
}

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ reward: await retrieve(req, req.params.id) })
}

/** Change a reward; the kind's rules are checked on the reward as it would be after the change. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateRewardType>, res: MedusaResponse) {
  const current = await retrieve(req, req.params.id)
  const problems = rewardProblems({ ...(current as RewardShape), ...req.validatedBody })
  if (problems.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
  }
  const { result } = await updateRewardWorkflow(req.scope).run({ input: { id: req.params.id, ...req.validatedBody } })
  res.json({ reward: result })
}

/** Withdraw a reward; coupons already bought stay valid. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await retrieve(req, req.params.id)
  await deleteRewardWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: req.params.id, object: "loyalty_reward", deleted: true })
}
