import { model } from "@medusajs/framework/utils"
import { ORDER_FACT_SOURCES } from "../../../lib/shared/vocabulary"

/**
 * What earning read of one order when it was placed, in one narrow row: the
 * money the earn rules take (items before tax after discounts, gift cards
 * left out; the total paid; the points paid with), when, in which currency
 * and channel, and each line as earning saw it. The award writes it from the
 * very input it earns on; the what-if replay reads it instead of Medusa's
 * order tables (order, items, lines, the summary's JSON), so replaying a
 * year of a large store reads one row per order. Orders placed before the
 * plugin (or whose award never ran) get theirs from Medusa's tables the
 * first time a replay needs them (`source: "history"`).
 *
 * Never updated: a later edit, return or cancellation does not change what
 * the order earned when placed (the replay reads the order's status apart).
 */
const OrderFact = model
  .define("loyalty_order_fact", {
    id: model.id({ prefix: "lofact" }).primaryKey(),
    order_id: model.text(),
    customer_id: model.text(),
    currency_code: model.text(),
    /** The order's `created_at`: campaigns, tiers and the period are judged at placement. */
    placed_at: model.dateTime(),
    sales_channel_id: model.text().nullable(),
    /** What the shopper paid after every credit line, as placed (Medusa's `total`). */
    total: model.bigNumber(),
    /** Items after discounts, before tax, gift cards left out: what the earn rate applies to. */
    items_net: model.bigNumber(),
    /** Value of the points paid with (our credit lines). */
    points_credit: model.bigNumber(),
    /**
     * Each line as earning read it: `[{ id, product_id, subtotal, discount_subtotal, is_giftcard }]`
     * (amounts as decimal strings), for rules that tell lines apart.
     */
    lines: model.json(),
    source: model.enum([...ORDER_FACT_SOURCES]),
  })
  .indexes([
    { name: "IDX_loyalty_order_fact_order_id", on: ["order_id"], unique: true, where: "deleted_at IS NULL" },
    { name: "IDX_loyalty_order_fact_placed_at", on: ["placed_at"], where: "deleted_at IS NULL" },
  ])

export default OrderFact
