import { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { isValidReviewSignature } from "../../../../../lib/care/rules"
import { completeLoyaltyActionWorkflow } from "../../../../../workflows/care"
import { pointsModule } from "../../../../utils/views"
import { StoreReviewActionType } from "./validators"

/**
 * A review was published: the review tool (or the storefront's server) calls
 * this with `X-Loyalty-Signature: <hex HMAC-SHA256 of "<customer_id>.<review_id>"
 * with care.reviewSecret>`. The member is paid the `review` action once per
 * review, within its limit. Without the right signature: 401, nothing paid.
 */
export async function POST(req: MedusaRequest<StoreReviewActionType>, res: MedusaResponse) {
  const { customer_id, review_id, product_id } = req.validatedBody
  const { review_secret: secret } = await pointsModule(req.scope).getCareRules()
  const signature = req.get("x-loyalty-signature") ?? ""
  if (!secret || !isValidReviewSignature(secret, customer_id, review_id, signature)) {
    throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "The review report is not signed with the store's review secret")
  }
  const { result } = await completeLoyaltyActionWorkflow(req.scope).run({
    input: {
      customer_id,
      action_code: "review",
      scope: review_id,
      actor_type: "system",
      actor_id: "review",
      details: { review_id, product_id: product_id ?? null },
      now: new Date(),
    },
  })
  res.status(201).json({ points: result?.entry.points ?? 0, created: !!result?.created })
}
