import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { decide } from "../decide"
import { AdminDecideReferralType } from "../../validators"

/** Reject a referral that is not rewarded yet: it will never pay. */
export async function POST(req: AuthenticatedMedusaRequest<AdminDecideReferralType>, res: MedusaResponse) {
  await decide(req, res, "reject")
}
