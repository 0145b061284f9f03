import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { takeBackFeedbackPointsWorkflow } from "../workflows/insights"

/** A canceled order keeps no feedback points either. */
export default async function takeBackFeedbackPointsOnOrderCanceled({
  event,
  container,
}: SubscriberArgs<{ id: string }>) {
  await takeBackFeedbackPointsWorkflow(container).run({ input: { order_id: event.data.id } })
}

export const config: SubscriberConfig = {
  event: "order.canceled",
  context: { subscriberId: "loyalty-take-back-feedback-points-on-cancel" },
}
