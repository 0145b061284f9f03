import { model } from "@medusajs/framework/utils"

/**
 * One saved version of the program rules. Rows are never updated: saving the
 * program in the admin writes the next version, so every ledger entry can say
 * which rules it was computed with and reversals reuse the rules of the
 * original earning.
 */
const ProgramVersion = model
  .define("loyalty_program_version", {
    id: model.id({ prefix: "lprog" }).primaryKey(),
    version: model.number(),
    /** Points per one major unit of currency, keyed by lower-case currency code. */
    earn_rates: model.json<Record<string, number>>(),
    /** Return window: points stay pending this many days after the order. */
    pending_days: model.number(),
    /** Months after release before points expire; 0 means they never expire. */
    expiry_months: model.number(),
    /** Points granted when a shopper creates an account; 0 turns it off. */
    signup_bonus: model.number(),
    /** Money value of one point, in major units, keyed by currency code. */
    point_values: model.json<Record<string, number>>(),
    min_redeem_points: model.number(),
    redeem_step: model.number(),
    /** Largest share (0–1) of a cart total that points may pay. */
    max_redeem_share: model.float(),
    shipping_redeemable: model.boolean(),
    created_by: model.text().nullable(),
  })
  .indexes([{ on: ["version"], unique: true }])
  .checks([
    { name: "loyalty_program_version_pending_days_check", expression: (c) => `${c.pending_days} >= 0` },
    { name: "loyalty_program_version_expiry_months_check", expression: (c) => `${c.expiry_months} >= 0` },
    { name: "loyalty_program_version_signup_bonus_check", expression: (c) => `${c.signup_bonus} >= 0` },
  ])

export default ProgramVersion
