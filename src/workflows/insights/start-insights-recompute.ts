import { MedusaContainer } from "@medusajs/framework/types"
import { RUN_HEARTBEAT_MS } from "../../modules/loyalty-insights/service"
import type { InsightRunRecord } from "../../modules/loyalty-insights/types"
import { recomputeInsightsWorkflow } from "./recompute-insights"
import { insightsService } from "./steps/resolve-service"

/**
 * Open an insights run and recompute it in this process, with a heartbeat
 * every `RUN_HEARTBEAT_MS` while it works. The run is returned at once (the
 * admin route answers with it); `done` settles when the recompute does. A run
 * whose process stopped (a restart, a crash) has no heartbeat, so the next
 * "Recompute now" marks it failed instead of waiting for it (`startRun`).
 * A failure marks the run failed with its message and rejects `done`.
 */
export async function startInsightsRecompute(
  container: MedusaContainer,
  input: { now: Date; triggered_by: string | null }
): Promise<{ run: InsightRunRecord; done: Promise<void> }> {
  const service = insightsService(container)
  const run = await service.startRun({ as_of: input.now, triggered_by: input.triggered_by })
  const heartbeat = setInterval(() => {
    service.touchRun(run.id).catch(() => undefined)
  }, RUN_HEARTBEAT_MS)
  heartbeat.unref()
  const done = recomputeInsightsWorkflow(container)
    .run({ input: { now: input.now, run_id: run.id, triggered_by: input.triggered_by } })
    .then(() => undefined)
    .catch(async (error: Error) => {
      await service
        .updateRun(run.id, { status: "failed", finished_at: new Date(), error: error.message })
        .catch(() => undefined)
      throw error
    })
    .finally(() => clearInterval(heartbeat))
  return { run, done }
}
