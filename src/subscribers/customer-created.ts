import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { awardSignupBonusWorkflow } from "../workflows/points"

/** Shoppers who register get the sign-up bonus, once per mailbox; staff-created customers do not. */
export default async function awardSignupBonus({ event, container }: SubscriberArgs<{ id: string }>) {
  await awardSignupBonusWorkflow(container).run({ input: { customer_id: event.data.id } })
}

export const config: SubscriberConfig = {
  event: "customer.created",
  context: { subscriberId: "loyalty-signup-bonus" },
}
