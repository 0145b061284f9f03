import { model } from "@medusajs/framework/utils"

/**
 * One attempt to claim a referral code, for the rate limit. Counted per
 * customer and per client address over a sliding window, in Postgres, so
 * every server process sees the same count. The evaluation job prunes rows
 * older than a day.
 */
const ClaimAttempt = model
  .define("loyalty_referral_claim_attempt", {
    id: model.id({ prefix: "lratt" }).primaryKey(),
    customer_id: model.text(),
    client_address: model.text(),
  })
  .indexes([
    { name: "IDX_loyalty_referral_claim_attempt_customer", on: ["customer_id", "created_at"] },
    { name: "IDX_loyalty_referral_claim_attempt_address", on: ["client_address", "created_at"] },
    { name: "IDX_loyalty_referral_claim_attempt_created", on: ["created_at"] },
  ])

export default ClaimAttempt
