import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { releaseActivity } from "../../../lib/tiers/rules"
import { ActivityInput } from "../../../modules/loyalty-tiers/types"
import { pointsService } from "../../points/steps/resolve-service"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"

export const loadReleaseActivityStepId = "loyalty-load-release-activity-step"

/**
 * What a release of an order's points adds to the customer's qualifying
 * activity, read from the ledger: the release entry (points, when) and the
 * order's earning (eligible amount, currency, multiplier). Null for anything
 * that is not an order's release.
 */
export const loadReleaseActivityStep = createStep(
  loadReleaseActivityStepId,
  async (input: { entry_id: string; customer_id: string }, { container }) => {
    const points = pointsService(container)
    const [release] = await points.listEntries({ id: input.entry_id }, { take: 1 })
    if (!release || release.type !== "release" || !release.order_id) {
      return new StepResponse<ActivityInput | null>(null)
    }
    const [earning] = await points.listEntries({ order_id: release.order_id, type: "pending" }, { take: 1 })
    const details = (earning?.details ?? {}) as { eligible_amount?: number; multiplier?: number }
    const activity = releaseActivity({
      released_points: Number(release.points),
      earned_points: Number(earning?.points ?? release.points),
      eligible_amount: Number(details.eligible_amount ?? 0),
      multiplier: Number(details.multiplier ?? 1),
    })
    return new StepResponse<ActivityInput | null>({
      customer_id: input.customer_id,
      order_id: release.order_id,
      currency_code: earning?.currency_code ?? release.currency_code ?? null,
      ...activity,
      occurred_at: new Date(release.created_at),
      source_id: release.id,
      idempotency_key: IdempotencyKeys.releaseActivity(release.id),
    })
  }
)
