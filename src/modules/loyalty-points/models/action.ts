import { model } from "@medusajs/framework/utils"
import { LIMIT_PERIODS } from "../../../lib/shared/vocabulary"

/**
 * Something a member does besides ordering that earns points: the built-in
 * `birthday`, `anniversary` and `review`, and the store's own custom actions
 * (follow us, fill in a survey, ...) that staff or a back-end integration
 * report through `POST /admin/loyalty/actions/:code/completions`. The limit
 * (`limit_count` per `limit_period`, per customer) is checked under the
 * account's row lock, so concurrent reports never pay past it.
 */
const Action = model
  .define("loyalty_action", {
    id: model.id({ prefix: "lact" }).primaryKey(),
    /** Stable code the integrations call (`birthday`, `anniversary`, `review` are built in). */
    code: model.text(),
    name: model.text(),
    points: model.number(),
    /** Completions paid per customer per period; null = no limit. */
    limit_count: model.number().nullable(),
    limit_period: model.enum([...LIMIT_PERIODS]).default("lifetime"),
    enabled: model.boolean().default(true),
  })
  .indexes([{ on: ["code"], unique: true, where: "deleted_at IS NULL" }])
  .checks([
    { name: "loyalty_action_points_check", expression: (c) => `${c.points} > 0` },
    { name: "loyalty_action_limit_check", expression: (c) => `${c.limit_count} IS NULL OR ${c.limit_count} > 0` },
  ])

export default Action
