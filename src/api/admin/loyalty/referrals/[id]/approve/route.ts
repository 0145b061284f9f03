import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { decide } from "../decide"
import { AdminDecideReferralType } from "../../validators"

/** Approve a flagged referral: its flags are cleared (and stay visible) and it is back in the running. */
export async function POST(req: AuthenticatedMedusaRequest<AdminDecideReferralType>, res: MedusaResponse) {
  await decide(req, res, "approve")
}
