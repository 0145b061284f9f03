import type { LimitPeriod } from "../../lib/shared/vocabulary"
import type { ActionRecord } from "../../modules/loyalty-points/types"
import type { LoyaltyActionInput, NotificationSettingInput } from "../../workflows/care/types"
import type { MemberMessage, notificationSettingsView } from "../../api/utils/care-views"
import type { preferencesView } from "../../api/utils/preferences"
import type { Wire } from "./wire"
import { collectionApi, sdk } from "./sdk"

/** An action that earns points, as `/admin/loyalty/actions` answers it: the stored action. */
export type LoyaltyAction = Wire<ActionRecord>

export type LoyaltyActionPeriod = LimitPeriod

/** Body of create (with `code`) and update (without): the action workflows' input, any subset. */
export type LoyaltyActionBody = Partial<LoyaltyActionInput>

/** A member's preferences and the last loyalty messages sent to them (`GET /admin/loyalty/accounts/:id/preferences`). */
export type LoyaltyMemberCare = {
  preferences: Wire<Awaited<ReturnType<typeof preferencesView>>>
  messages: Wire<MemberMessage>[]
}

/** The built-in action codes: the plugin pays them itself once they exist. */
export const BUILT_IN_ACTIONS: Record<string, string> = {
  birthday: "Paid on the member's birthday (set at least 30 days before), once a year.",
  anniversary: "Paid on the anniversary of the member's sign-up, once a year.",
  first_order: "Paid once per member when the points of their first order are released (after the return window).",
  review: "Paid once per review your review tool reports (signed with the review secret).",
}

/** How messages are sent, per kind (`/admin/loyalty/notification-settings`), as `notificationSettingsView` builds it. */
export type LoyaltyNotificationSettings = ReturnType<typeof notificationSettingsView>

/** How one kind of loyalty message is sent; `customized`: changed by staff (else it follows the plugin options). */
export type LoyaltyNotificationKind = LoyaltyNotificationSettings["kinds"][number]

/** Staff's change to one kind: the settings workflow's input. */
export type LoyaltyNotificationChange = NotificationSettingInput

const BASE = "/admin/loyalty"

export const loyaltyCareApi = {
  actions: collectionApi<{ actions: LoyaltyAction[] }, { action: LoyaltyAction }, LoyaltyActionBody>(`${BASE}/actions`),
  notificationSettings: () =>
    sdk.client.fetch<{ notifications: LoyaltyNotificationSettings }>(`${BASE}/notification-settings`),
  updateNotificationSettings: (kinds: LoyaltyNotificationChange[]) =>
    sdk.client.fetch<{ notifications: LoyaltyNotificationSettings }>(`${BASE}/notification-settings`, { method: "POST", body: { kinds } }),
  memberCare: (customerId: string) =>
    sdk.client.fetch<LoyaltyMemberCare>(`${BASE}/accounts/${encodeURIComponent(customerId)}/preferences`),
}
