import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { forEachPage } from "../../../lib/shared/pages"
import { ExpiringLot } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const claimExpiringLotsStepId = "loyalty-claim-expiring-lots-step"

const BATCH = 500

/**
 * Claim every open lot that expires within `days` of `now` and was not
 * announced yet, marking each reminded in the same statement: a second run,
 * or two workers at once, announce no lot twice. Compensation unmarks them,
 * so a run whose events could not be emitted is redone by the next one.
 */
export const claimExpiringLotsStep = createStep(
  claimExpiringLotsStepId,
  async (input: { now: Date; days: number }, { container }) => {
    const service = pointsService(container)
    const now = new Date(input.now)
    const until = new Date(now.getTime() + input.days * 24 * 60 * 60 * 1000)
    const claimed: ExpiringLot[] = []
    if (input.days > 0) {
      // What a read claims is no longer unclaimed, so each read starts from the top; a short page was the last.
      await forEachPage(
        () => service.claimExpiringLots({ now, until, limit: BATCH }),
        async (page) => {
          claimed.push(...page)
        },
        { size: BATCH, until: "short" }
      )
    }
    return new StepResponse(claimed, { lot_ids: claimed.map((lot) => lot.lot_id), claimed_at: now })
  },
  async (claim, { container }) => {
    if (claim?.lot_ids.length) await pointsService(container).unclaimExpiringLots(claim)
  }
)
