import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { channelsWithProvider } from "./notification-providers"
import { graphOne } from "../../shared/graph-one"

export const loadNotificationRecipientStepId = "loyalty-load-notification-recipient-step"

export type NotificationRecipient = {
  customer_id: string
  email: string | null
  first_name: string | null
  /** Whether to send: a member with an address who did not opt out, and a provider for the channel. */
  send: boolean
  /** Why nothing is sent, when nothing is. */
  skipped: "no customer" | "opted out" | "no address" | "no provider" | "disabled" | null
}

/**
 * Who a loyalty message goes to, and whether it may go at all: whether the
 * store has a notification provider for the channel (`channelsWithProvider`,
 * checked first: a store without one reads nothing else), the customer
 * (through Medusa's customer module) and their opt-out (the plugin's account).
 */
export const loadNotificationRecipientStep = createStep(
  loadNotificationRecipientStepId,
  async (input: { customer_id: string; channel: string; enabled: boolean }, { container }) => {
    const none = (skipped: NotificationRecipient["skipped"]) =>
      new StepResponse<NotificationRecipient>({ customer_id: input.customer_id, email: null, first_name: null, send: false, skipped })
    if (!input.enabled) return none("disabled")
    // First what is the same for every member: a store without a provider for the channel reads no customer.
    if (!(await channelsWithProvider(container)).has(input.channel)) return none("no provider")
    const customer = await graphOne(container, "customer", input.customer_id, ["id", "email", "first_name", "has_account"])
    if (!customer?.has_account) return none("no customer")
    const [account] = await pointsService(container).listAccounts({ customer_id: input.customer_id }, { take: 1 })
    if (account?.notifications_opt_out) return none("opted out")
    if (!customer.email) return none("no address")
    return new StepResponse<NotificationRecipient>({
      customer_id: customer.id,
      email: customer.email,
      first_name: customer.first_name ?? null,
      send: true,
      skipped: null,
    })
  }
)
