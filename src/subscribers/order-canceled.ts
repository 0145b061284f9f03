import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { reverseOrderPointsWorkflow } from "../workflows/points"

/** A canceled order keeps none of its points. */
export default async function reversePointsOnOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await reverseOrderPointsWorkflow(container).run({
    input: { order_id: event.data.id, trigger: event.name },
  })
}

export const config: SubscriberConfig = {
  event: "order.canceled",
  context: { subscriberId: "loyalty-reverse-on-cancel" },
}
