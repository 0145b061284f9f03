import { forEachPage } from "../../../lib/shared/pages"
import { ExpiringLot } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"
import { createClaimStep } from "./create-claim-step"

export const claimExpiringLotsStepId = "loyalty-claim-expiring-lots-step"

const BATCH = 500

/**
 * Claim every open lot that expires within `days` of `now` and was not
 * announced yet, marking each reminded in the same statement: a second run,
 * or two workers at once, announce no lot twice. Compensation unmarks them,
 * so a run whose events could not be emitted is redone by the next one.
 */
export const claimExpiringLotsStep = createClaimStep(claimExpiringLotsStepId, pointsService, {
  claim: async (service, now, days) => {
    const until = new Date(now.getTime() + days * 24 * 60 * 60 * 1000)
    const claimed: ExpiringLot[] = []
    // What a read claims is no longer unclaimed, so each read starts from the top; a short page was the last.
    await forEachPage(
      () => service.claimExpiringLots({ now, until, limit: BATCH }),
      async (page) => {
        claimed.push(...page)
      },
      { size: BATCH, until: "short" }
    )
    return claimed
  },
  key: (lot) => lot.lot_id,
  unclaim: (service, lot_ids, claimed_at) => service.unclaimExpiringLots({ lot_ids, claimed_at }),
})
