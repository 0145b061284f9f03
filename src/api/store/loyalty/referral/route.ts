import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { shareLink } from "../../../../lib/referrals/rules"
import { ensureReferralCodeWorkflow } from "../../../../workflows/referrals"
import {
  referralParties,
  referralsModule,
  storeProgramView,
  storeReferralView,
} from "../../../utils/referral-views"
import { StoreReferralQueryType } from "./validators"

/**
 * The logged-in shopper's side of the referral program: their code (created
 * on first request while the program runs) and share link, who referred
 * them, whom they referred, and the points those referrals earned or will.
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, StoreReferralQueryType>, res: MedusaResponse) {
  const customerId = req.auth_context.actor_id
  const service = referralsModule(req.scope)
  const program = await service.getProgramSettings()
  const code = program.enabled
    ? (await ensureReferralCodeWorkflow(req.scope).run({ input: { customer_id: customerId } })).result.code
    : null

  const [[referredBy], page, summary] = await Promise.all([
    service.listReferrals({ referee_id: customerId }, { take: 1 }),
    service.listReferralRecords({ referrer_id: customerId }, req.validatedQuery),
    service.summarizeReferrer(customerId),
  ])
  const parties = await referralParties(req.scope, [...page.referrals, ...(referredBy ? [referredBy] : [])])
  const pendingStatuses = ["claimed", "qualified", "flagged"] as const

  res.json({
    referral_program: storeProgramView(program),
    code,
    share_url: code ? shareLink(program.storefront_url, code) : null,
    referred_by: referredBy ? storeReferralView(referredBy, "referee", parties) : null,
    referrals: page.referrals.map((referral) => storeReferralView(referral, "referrer", parties)),
    count: page.count,
    limit: req.validatedQuery.limit,
    offset: req.validatedQuery.offset,
    rewards: {
      earned_points:
        summary.rewarded.points + (referredBy?.status === "rewarded" ? referredBy.referee_points : 0),
      pending_points:
        pendingStatuses.reduce((sum, status) => sum + summary[status].points, 0) +
        (referredBy && pendingStatuses.includes(referredBy.status as (typeof pendingStatuses)[number])
          ? referredBy.referee_points
          : 0),
    },
  })
}
