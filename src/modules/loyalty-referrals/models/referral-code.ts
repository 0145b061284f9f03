import { model } from "@medusajs/framework/utils"

/**
 * A customer's referral code, created the first time they ask for it. Codes
 * are drawn from a CSPRNG, one draw per symbol, and are unique across the
 * store; a customer has at most one.
 */
const ReferralCode = model
  .define("loyalty_referral_code", {
    id: model.id({ prefix: "lrcode" }).primaryKey(),
    customer_id: model.text(),
    /** Stored as shown: "ABCDE-FGHJK". */
    code: model.text(),
  })
  .indexes([
    { on: ["customer_id"], unique: true, where: "deleted_at IS NULL" },
    { on: ["code"], unique: true, where: "deleted_at IS NULL" },
  ])

export default ReferralCode
