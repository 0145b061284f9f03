import { MedusaContainer } from "@medusajs/framework/types"
import { endDueTierOverridesWorkflow } from "../workflows/tiers"
import { tiersService } from "../workflows/tiers/steps/resolve-service"

/**
 * Every minute: end the tier overrides whose end date has passed, so the
 * customer leaves the tier's customer group when the override ends, not at
 * the next daily pass. It finds nothing to do on almost every run, so it asks
 * first (one read of the tiers module on the index of the open overrides'
 * end dates) and starts the workflow only when an override is due: an idle
 * store pays one statement a minute for it, not a workflow run (the
 * engine's execution check, the orchestration's CPU, the read). An override
 * that falls due between the two is ended by the next minute's run.
 */
export default async function endTierOverridesJob(container: MedusaContainer) {
  const now = new Date()
  const { items } = await tiersService(container).listDueOverrides(now, null, 1)
  if (items.length) {
    await endDueTierOverridesWorkflow(container).run({ input: { now } })
  }
}

/** A minute in milliseconds: Medusa's `interval` schedule. */
const EVERY_MINUTE_MS = 60_000

/**
 * Every 60 seconds by `interval`, not the cron expression `* * * * *`: for
 * a cron schedule Medusa's in-memory engine has cron-parser search the next
 * run on every tick, about 30 million instructions, most of the job's idle
 * cost (callgrind, docs/benchmarks.md). The Redis engine repeats it with
 * BullMQ's `every`, once per tick across workers as with a pattern.
 */
export const config = {
  name: "loyalty-end-tier-overrides",
  schedule: { interval: EVERY_MINUTE_MS },
}
