import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { reverseOrderPointsWorkflow } from "../workflows/points"

type OrderChangeEvent = { order_id: string; exchange_id?: string; claim_id?: string; actions?: { order_change_id?: string }[] }

/**
 * An order edit, exchange or claim changed what the order is worth: its
 * points follow the order as it now stands, one net entry per change (the
 * same recomputation as returns and refunds, keyed so a redelivery posts
 * nothing).
 */
export default async function followOrderChange({ event, container }: SubscriberArgs<OrderChangeEvent>) {
  const change = event.data.exchange_id ?? event.data.claim_id ?? event.data.actions?.[0]?.order_change_id ?? ""
  await reverseOrderPointsWorkflow(container).run({
    input: { order_id: event.data.order_id, trigger: change ? `${event.name}:${change}` : event.name },
  })
}

export const config: SubscriberConfig = {
  event: ["order-edit.confirmed", "order.exchange_created", "order.claim_created"],
  context: { subscriberId: "loyalty-follow-order-change" },
}
