import { model } from "@medusajs/framework/utils"
import Entry from "./entry"
import Lot from "./lot"

/**
 * A customer's points account. `balance`, `pending` and `debt` are caches of
 * the ledger kept in the same transaction as every entry, so a balance read is
 * one row, never a sum over entries.
 */
const Account = model
  .define("loyalty_account", {
    id: model.id({ prefix: "lacc" }).primaryKey(),
    customer_id: model.text(),
    /** Points the shopper can spend now (equals the sum of lot `remaining`). */
    balance: model.number().default(0),
    /** Points earned on orders still inside their return window. */
    pending: model.number().default(0),
    /** Points clawed back after they were spent; paid off by future earnings. */
    debt: model.number().default(0),
    lifetime_earned: model.number().default(0),
    lifetime_redeemed: model.number().default(0),
    /** The member's birthday (month 1–12, day 1–31), set once by the shopper; null = not given. */
    birthday_month: model.number().nullable(),
    birthday_day: model.number().nullable(),
    /** When the birthday was set: the bonus is paid only for birthdays set 30 days before. */
    birthday_set_at: model.dateTime().nullable(),
    /** The shopper asked for no loyalty messages (points, tiers, reminders). */
    notifications_opt_out: model.boolean().default(false),
    /**
     * The customer claimed a referral code: set by the claim before the
     * referral is recorded, never unset. Points events carry it, so the
     * referrals subscriber looks up a referral only for referred members.
     * Accounts from before the column say true (nothing is missed for them).
     */
    referred: model.boolean().default(false),
    entries: model.hasMany(() => Entry, { mappedBy: "account" }),
    lots: model.hasMany(() => Lot, { mappedBy: "account" }),
  })
  .indexes([
    { on: ["customer_id"], unique: true, where: "deleted_at IS NULL" },
  ])
  .checks([
    { name: "loyalty_account_balance_check", expression: (c) => `${c.balance} >= 0` },
    { name: "loyalty_account_pending_check", expression: (c) => `${c.pending} >= 0` },
    { name: "loyalty_account_debt_check", expression: (c) => `${c.debt} >= 0` },
  ])

export default Account
