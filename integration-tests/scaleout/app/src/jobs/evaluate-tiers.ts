import { MedusaContainer } from "@medusajs/framework/types"
import job, { config as pluginConfig } from "../../../../../src/jobs/evaluate-tiers"
import { recordJobRun, testSchedule } from "../job-runs"

/** The plugin's `evaluate-tiers` job, every few seconds, each run recorded for the scale-out test. */
export default async function scaleoutJob(container: MedusaContainer, context?: { scheduledFor?: Date }) {
  await recordJobRun(pluginConfig.name, context, () => job(container))
}

export const config = { ...pluginConfig, schedule: testSchedule() }
