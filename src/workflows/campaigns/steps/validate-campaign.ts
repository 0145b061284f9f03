import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { termsProblems } from "../../../lib/campaigns/rules"
import { scheduleProblems } from "../../../lib/campaigns/schedule"
import { CampaignRecord } from "../../../modules/loyalty-campaigns/types"
import { campaignsService } from "./resolve-service"

export const validateCampaignStepId = "loyalty-validate-campaign-step"

export type CampaignChanges = Partial<
  Omit<CampaignRecord, "id" | "version" | "spent_points" | "created_at" | "updated_at" | "deleted_at">
>

/**
 * Check a campaign as it would be after the change (its stored fields
 * overlaid with the changes): terms and schedule problems, and a budget
 * below what was already issued, are one 400 that names them all, before
 * anything is written. Returns the store's default
 * time zone for a new campaign that names none.
 */
export const validateCampaignStep = createStep(
  validateCampaignStepId,
  async (input: { id?: string; changes: CampaignChanges }, { container }) => {
    const service = campaignsService(container)
    const current = input.id ? await service.retrieveCampaign(input.id) : null
    const merged = { ...(current ?? {}), ...input.changes }
    const timeZone = merged.time_zone ?? service.defaultTimeZone()
    const problems = [
      ...termsProblems({
        type: merged.type ?? "multiplier",
        value: Number(merged.value ?? 0),
        rates: merged.rates ?? null,
        min_order_amounts: merged.min_order_amounts ?? null,
        stacking: merged.stacking ?? "best_wins",
        stack_cap: merged.stack_cap === null || merged.stack_cap === undefined ? null : Number(merged.stack_cap),
      }),
      ...scheduleProblems({
        starts_at: merged.starts_at ?? null,
        ends_at: merged.ends_at ?? null,
        recurrence: merged.recurrence ?? null,
        time_zone: timeZone,
      }),
    ]
    const spent = Number(current?.spent_points ?? 0)
    if (merged.budget_points !== null && merged.budget_points !== undefined && merged.budget_points < spent) {
      problems.push(`budget_points cannot be below the ${spent} points the campaign has already issued`)
    }
    if (problems.length) throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
    return new StepResponse({ time_zone: timeZone })
  }
)
