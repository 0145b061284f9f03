import { model } from "@medusajs/framework/utils"

/**
 * A customer's standing: the tier their activity earned (`earned_tier_id`),
 * kept until `qualified_until` (null = for good, or no tier), and the tier in
 * effect (`tier_id`): an active override's tier, else the earned one. One row
 * per customer, locked for every change so evaluations never race.
 */
const TierMembership = model
  .define("loyalty_tier_membership", {
    id: model.id({ prefix: "ltmem" }).primaryKey(),
    customer_id: model.text(),
    /** The tier in effect as of the last change (override or earned). */
    tier_id: model.text().nullable(),
    /** The tier qualifying activity earned. */
    earned_tier_id: model.text().nullable(),
    /** When the earned tier was last reached or re-reached. */
    qualified_at: model.dateTime().nullable(),
    /** End of the period the earned tier is kept for; the review runs after the grace days. */
    qualified_until: model.dateTime().nullable(),
    /** The active override, if any. */
    override_id: model.text().nullable(),
    /**
     * The `qualified_until` of the period whose coming drop was announced
     * (`loyalty.tier.expiring`): once per period.
     */
    drop_reminded_for: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["customer_id"], unique: true },
    { on: ["tier_id"], where: "tier_id IS NOT NULL" },
    { on: ["earned_tier_id"], where: "earned_tier_id IS NOT NULL" },
    // The review pass reads in keyset order (period end, customer).
    { name: "IDX_loyalty_tier_membership_due", on: ["qualified_until", "customer_id"], where: "qualified_until IS NOT NULL" },
  ])

export default TierMembership
