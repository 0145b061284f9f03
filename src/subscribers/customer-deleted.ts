import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { closeCustomerAccountWorkflow } from "../workflows/points"
import { eraseMemberDataWorkflow } from "../workflows/privacy"
import { runInTurn } from "../workflows/shared/run-in-turn"

/**
 * A deleted customer's points account is closed and its points forfeited,
 * then their personal data is erased from every plugin table.
 */
export default async function closeAccountOnCustomerDeleted({ event, container }: SubscriberArgs<{ id: string }>) {
  await runInTurn(container, [closeCustomerAccountWorkflow, eraseMemberDataWorkflow], { customer_id: event.data.id })
}

export const config: SubscriberConfig = {
  event: "customer.deleted",
  context: { subscriberId: "loyalty-close-account-on-customer-deleted" },
}
