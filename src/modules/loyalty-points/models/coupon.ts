import { model } from "@medusajs/framework/utils"

/**
 * A coupon a shopper bought with points: one single-use Medusa promotion whose
 * code only its owner can use. The idempotency key makes a double-clicked
 * purchase buy one coupon.
 */
const Coupon = model
  .define("loyalty_coupon", {
    id: model.id({ prefix: "lcpn" }).primaryKey(),
    reward_id: model.text(),
    customer_id: model.text(),
    code: model.text(),
    currency_code: model.text().nullable(),
    /** Set by the purchase's last step: until then the coupon is pending and its code does nothing. */
    promotion_id: model.text().nullable(),
    points_spent: model.number(),
    /**
     * Whether its points come back if it expires unused: the reward's terms
     * when it was bought, kept here because staff may change the reward later.
     */
    refund_on_expiry: model.boolean().default(false),
    /** The ledger entry that paid for it. */
    entry_id: model.text().nullable(),
    expires_at: model.dateTime(),
    /** Set when the expiry job closed the coupon (and gave points back if the reward says so). */
    expired_at: model.dateTime().nullable(),
    /**
     * The cart whose checkout holds the coupon: set while a completion uses it
     * (cleared if that checkout fails) and kept once an order used it. The
     * expiry job never refunds a held coupon, so a coupon is either used or
     * refunded, never both.
     */
    claimed_cart_id: model.text().nullable(),
    idempotency_key: model.text(),
  })
  .indexes([
    { on: ["idempotency_key"], unique: true },
    { on: ["code"], unique: true },
    { on: ["customer_id", "reward_id"] },
    { name: "IDX_loyalty_coupon_open_expiry", on: ["expires_at"], where: "expired_at IS NULL" },
    /** Purchases not finished (no promotion yet): the daily pass settles those that died part-way. */
    { name: "IDX_loyalty_coupon_unfinished", on: ["created_at", "id"], where: "promotion_id IS NULL" },
  ])

export default Coupon
