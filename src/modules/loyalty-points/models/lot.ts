import { model } from "@medusajs/framework/utils"
import Account from "./account"

/**
 * What is left of one credit to the available balance. Debits consume lots in
 * order of `expires_at` (never-expiring lots last), and the expiry job empties
 * lots past their date, one `expire` entry per lot.
 */
const Lot = model
  .define("loyalty_lot", {
    id: model.id({ prefix: "llot" }).primaryKey(),
    /** The entry that created this lot. */
    entry_id: model.text(),
    /**
     * The entry whose credit this lot's points are, when that is not `entry_id`:
     * a lot that gives spent points back (a canceled order's restore, an unused
     * coupon's refund, an undone debit) refills the lot they were taken from,
     * and its points stay that lot's credit (an order's own points, say, so an
     * order's reversal counts them as the order's when they expire). Null: the
     * lot's own entry.
     */
    origin_entry_id: model.text().nullable(),
    points: model.number(),
    remaining: model.number(),
    expires_at: model.dateTime().nullable(),
    /** When the member was reminded that this lot expires (`loyalty.points.expiring`, once per lot). */
    reminded_at: model.dateTime().nullable(),
    account: model.belongsTo(() => Account, { mappedBy: "lots" }),
  })
  .indexes([
    { name: "IDX_loyalty_lot_open", on: ["account_id", "expires_at"], where: "remaining > 0" },
    { name: "IDX_loyalty_lot_expiring", on: ["expires_at", "id"], where: "remaining > 0 AND expires_at IS NOT NULL" },
  ])
  .checks([
    { name: "loyalty_lot_remaining_check", expression: (c) => `${c.remaining} >= 0 AND ${c.remaining} <= ${c.points}` },
  ])

export default Lot
