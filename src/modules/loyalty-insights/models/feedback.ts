import { model } from "@medusajs/framework/utils"

/** A shopper's answer to "how likely are you to recommend us?" (0–10) about one of their orders. */
const Feedback = model
  .define("loyalty_feedback", {
    id: model.id({ prefix: "lfb" }).primaryKey(),
    customer_id: model.text(),
    order_id: model.text(),
    score: model.number(),
    comment: model.text().nullable(),
  })
  .indexes([
    { on: ["order_id"], unique: true, where: "deleted_at IS NULL" },
    { on: ["customer_id", "created_at"] },
    { on: ["created_at"] },
  ])
  .checks([{ name: "loyalty_feedback_score_check", expression: (c) => `${c.score} >= 0 AND ${c.score} <= 10` }])

export default Feedback
