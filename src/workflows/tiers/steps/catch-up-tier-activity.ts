import { addDays } from "../../../lib/shared/dates"
import { asOneBatch, attempt, forEachDue } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { recordOrderQualificationWorkflow } from "../record-order-qualification"
import { tiersService } from "./resolve-service"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { createPassStep } from "../../shared/create-pass-step"

export const catchUpTierActivityStepId = "loyalty-catch-up-tier-activity-step"

const BATCH = 500
/** How far back the catch-up looks for releases whose `loyalty.points.released` handling was lost. */
export const TIER_CATCH_UP_DAYS = 60

/**
 * The local event bus drops an event whose handler failed. This step finds
 * recent point releases that were never counted toward tiers and counts them
 * now, by the same key and from the same payload (asked of the points
 * module), so a lost `loyalty.points.released` never costs a customer their
 * tier. The releases are read a page at a time in keyset order (written at,
 * id); each release runs its own workflow, so there is nothing to undo here
 * and a pass that dies resumes at the next run.
 */
export const catchUpTierActivityStep = createPassStep(catchUpTierActivityStepId, async (now, container) => {
  const points = pointsService(container)
  const since = addDays(now, -TIER_CATCH_UP_DAYS)
  let recorded = 0
  await forEachDue(
    async (after) => asOneBatch(await points.listReleaseIds(since, now, after, BATCH)),
    async (releaseIds) => {
      const missing = new Set(
        await tiersService(container).missingActivityKeys(releaseIds.map((id) => IdempotencyKeys.releaseActivity(id)))
      )
      const unrecorded = releaseIds.filter((id) => missing.has(IdempotencyKeys.releaseActivity(id)))
      if (!unrecorded.length) return
      // The same payload the lost event carried: the points module says what each release means.
      for (const release of await points.listReleases(unrecorded)) {
        const done = await attempt(container, `Loyalty tiers: counting a release of customer ${release.customer_id}`, () =>
          recordOrderQualificationWorkflow(container).run({ input: { release, now } })
        )
        if (done.ok) recorded++
      }
    }
  )
  return recorded
})
