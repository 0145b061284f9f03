import type { LimitPeriod } from "../../lib/shared/vocabulary"
import { sdk } from "./sdk"

/** An action that earns points, as `/admin/loyalty/actions` answers it. */
export type LoyaltyAction = {
  id: string
  code: string
  name: string
  points: number
  limit_count: number | null
  limit_period: LoyaltyActionPeriod
  enabled: boolean
}

export type LoyaltyActionPeriod = LimitPeriod

export type LoyaltyActionBody = {
  code?: string
  name?: string
  points?: number
  limit_count?: number | null
  limit_period?: LoyaltyActionPeriod
  enabled?: boolean
}

/** A member's preferences and the last loyalty messages sent to them. */
export type LoyaltyMemberCare = {
  preferences: { birthday: string | null; birthday_set_at: string | null; notifications: boolean }
  messages: { id: string; template: string; channel: string; to: string; status: string; trigger_type: string; created_at: string }[]
}

/** The built-in action codes: the plugin pays them itself once they exist. */
export const BUILT_IN_ACTIONS: Record<string, string> = {
  birthday: "Paid on the member's birthday (set at least 30 days before), once a year.",
  anniversary: "Paid on the anniversary of the member's sign-up, once a year.",
  first_order: "Paid once per member when the points of their first order are released (after the return window).",
  review: "Paid once per review your review tool reports (signed with the review secret).",
}

/** How one kind of loyalty message is sent (`GET /admin/loyalty/notification-settings`). */
export type LoyaltyNotificationKind = {
  kind: string
  event: string
  enabled: boolean
  template: string
  channel: string
  /** Changed by staff (else it follows the plugin options). */
  customized: boolean
  /** The store has a notification provider for its channel. */
  provider: boolean
}

export type LoyaltyNotificationSettings = { enabled: boolean; kinds: LoyaltyNotificationKind[] }

export type LoyaltyNotificationChange = { kind: string; enabled?: boolean; template?: string | null; channel?: string | null }

const BASE = "/admin/loyalty"

export const loyaltyCareApi = {
  actions: () => sdk.client.fetch<{ actions: LoyaltyAction[] }>(`${BASE}/actions`),
  createAction: (body: LoyaltyActionBody) =>
    sdk.client.fetch<{ action: LoyaltyAction }>(`${BASE}/actions`, { method: "POST", body }),
  updateAction: (id: string, body: LoyaltyActionBody) =>
    sdk.client.fetch<{ action: LoyaltyAction }>(`${BASE}/actions/${encodeURIComponent(id)}`, { method: "POST", body }),
  deleteAction: (id: string) =>
    sdk.client.fetch<{ id: string; deleted: boolean }>(`${BASE}/actions/${encodeURIComponent(id)}`, { method: "DELETE" }),
  notificationSettings: () =>
    sdk.client.fetch<{ notifications: LoyaltyNotificationSettings }>(`${BASE}/notification-settings`),
  updateNotificationSettings: (kinds: LoyaltyNotificationChange[]) =>
    sdk.client.fetch<{ notifications: LoyaltyNotificationSettings }>(`${BASE}/notification-settings`, { method: "POST", body: { kinds } }),
  memberCare: (customerId: string) =>
    sdk.client.fetch<LoyaltyMemberCare>(`${BASE}/accounts/${encodeURIComponent(customerId)}/preferences`),
}
