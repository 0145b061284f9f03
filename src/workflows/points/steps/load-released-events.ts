import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PointsReleasedEventData } from "../../../lib/shared/events"
import { pointsService } from "./resolve-service"

export const loadReleasedEventsStepId = "loyalty-load-released-events-step"

/**
 * The `loyalty.points.released` payloads of some release entries: each with
 * the facts its order earned with (points, eligible amount, currency,
 * multiplier), so the tiers count the release without reading the ledger.
 */
export const loadReleasedEventsStep = createStep(
  loadReleasedEventsStepId,
  async (input: { entry_ids: string[] }, { container }) =>
    new StepResponse<PointsReleasedEventData[]>(await pointsService(container).listReleases(input.entry_ids))
)
