import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { NotificationSettingInput } from "../types"

export const updateNotificationSettingsStepId = "loyalty-update-notification-settings-step"

type SavedRow = { id: string; kind: string; enabled: boolean; template: string | null; channel: string | null; updated_by: string | null }

/**
 * Apply staff's changes to some kinds of message (a row per kind changed,
 * created the first time); what a change leaves out keeps its saved value.
 * Compensation puts the rows back as they were and removes the ones it
 * created.
 */
export const updateNotificationSettingsStep = createStep(
  updateNotificationSettingsStepId,
  async (input: { settings: NotificationSettingInput[]; actor_id: string | null }, { container }) => {
    const service = pointsService(container)
    const kinds = input.settings.map((setting) => setting.kind)
    const before: SavedRow[] = await service.listNotificationSettings({ kind: kinds }, { take: null })
    const byKind = new Map(before.map((row) => [row.kind, row]))
    const created: string[] = []
    for (const setting of input.settings) {
      const row = byKind.get(setting.kind)
      const values = {
        enabled: setting.enabled ?? row?.enabled ?? true,
        template: setting.template !== undefined ? setting.template : row?.template ?? null,
        channel: setting.channel !== undefined ? setting.channel : row?.channel ?? null,
        updated_by: input.actor_id,
      }
      if (row) {
        await service.updateNotificationSettings({ id: row.id, ...values })
      } else {
        const saved = await service.createNotificationSettings({ kind: setting.kind, ...values })
        created.push(saved.id)
      }
    }
    return new StepResponse(kinds, { before, created })
  },
  async (undo, { container }) => {
    if (!undo) return
    const service = pointsService(container)
    if (undo.created.length) await service.deleteNotificationSettings(undo.created)
    for (const { id, enabled, template, channel, updated_by } of undo.before) {
      await service.updateNotificationSettings({ id, enabled, template, channel, updated_by })
    }
  }
)
