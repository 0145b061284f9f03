import { model } from "@medusajs/framework/utils"

/**
 * One saved version of the referral program. Rows are never updated: saving
 * in the admin writes the next version, and each referral records the version
 * it was claimed under.
 */
const ReferralProgramVersion = model
  .define("loyalty_referral_program_version", {
    id: model.id({ prefix: "lrprog" }).primaryKey(),
    version: model.number(),
    enabled: model.boolean(),
    referrer_points: model.number(),
    referee_points: model.number(),
    /** Minimum first order per currency, in major units, keyed by lower-case currency code. */
    min_order_amounts: model.json<Record<string, number>>(),
    claim_window_days: model.number(),
    /** Referrals per referrer per calendar month before new ones are flagged; 0 = no cap. */
    monthly_cap: model.number(),
    storefront_url: model.text().nullable(),
    /** Take rewards back when the qualifying order is canceled or refunded in full after they were paid. */
    take_back_rewards: model.boolean().default(true),
    created_by: model.text().nullable(),
  })
  .indexes([{ on: ["version"], unique: true }])
  .checks([
    {
      name: "loyalty_referral_program_version_points_check",
      expression: (c) => `${c.referrer_points} >= 0 AND ${c.referee_points} >= 0`,
    },
    {
      name: "loyalty_referral_program_version_limits_check",
      expression: (c) => `${c.claim_window_days} >= 0 AND ${c.monthly_cap} >= 0`,
    },
  ])

export default ReferralProgramVersion
