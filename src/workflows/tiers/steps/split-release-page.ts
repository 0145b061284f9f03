import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PointsReleasedEventData } from "../../../lib/shared/events"
import { splitReleasePage } from "../../../lib/tiers/rules"
import { ActivityInput } from "../../../modules/loyalty-tiers/types"
import { releaseActivityOf } from "../record-order-qualification"
import { tiersService } from "./resolve-service"

export const splitReleasePageStepId = "loyalty-split-release-page-step"

/**
 * Which releases of a page are counted together and which one at a time.
 * A customer with several releases in the page is counted one at a time
 * only when their tier would move: activity only adds up, so if all their
 * releases together reach no decision (no higher tier, no tier kept
 * longer, no override run out), no release of theirs alone would, and they
 * are counted with the page. One read for the page (`listCustomersToEvaluate`
 * with the page's releases counted as recorded).
 */
export const splitReleasePageStep = createStep(
  splitReleasePageStepId,
  async (input: { releases: PointsReleasedEventData[]; now: Date }, { container }) => {
    const { page, one_by_one: several } = splitReleasePage(input.releases)
    if (!several.length) return new StepResponse({ page, one_by_one: several })
    const unrecorded = several.map(releaseActivityOf).filter((activity): activity is ActivityInput => !!activity)
    const moving = new Set(
      await tiersService(container).listCustomersToEvaluate(
        [...new Set(several.map((release) => release.customer_id))],
        new Date(input.now),
        unrecorded
      )
    )
    return new StepResponse({
      page: input.releases.filter((release) => !moving.has(release.customer_id)),
      one_by_one: several.filter((release) => moving.has(release.customer_id)),
    })
  }
)
