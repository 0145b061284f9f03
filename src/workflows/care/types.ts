import type { LimitPeriod } from "../../lib/care/rules"

/** An action as staff define it (Settings → Loyalty → Actions). */
export type LoyaltyActionInput = {
  code: string
  name: string
  points: number
  limit_count?: number | null
  limit_period?: LimitPeriod
  enabled?: boolean
}

/** What staff change for one kind of message; null template or channel goes back to the options' value. */
export type NotificationSettingInput = {
  kind: string
  enabled?: boolean
  template?: string | null
  channel?: string | null
}
