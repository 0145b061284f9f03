import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { closeCustomerAccountWorkflow } from "../workflows/points"
import { eraseMemberDataWorkflow } from "../workflows/privacy"

/**
 * A deleted customer's points account is closed and its points forfeited,
 * then their personal data is erased from every plugin table.
 */
export default async function closeAccountOnCustomerDeleted({ event, container }: SubscriberArgs<{ id: string }>) {
  await closeCustomerAccountWorkflow(container).run({ input: { customer_id: event.data.id } })
  await eraseMemberDataWorkflow(container).run({ input: { customer_id: event.data.id } })
}

export const config: SubscriberConfig = {
  event: "customer.deleted",
  context: { subscriberId: "loyalty-close-account-on-customer-deleted" },
}
