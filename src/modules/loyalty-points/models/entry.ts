import { model } from "@medusajs/framework/utils"
import { ACTOR_TYPES, ENTRY_TYPES } from "../../../lib/shared/vocabulary"
import Account from "./account"

/**
 * One immutable ledger line. The three `*_change` columns say exactly how the
 * entry moved the account's cached figures; `points` is the headline number a
 * shopper sees. `details` keeps the amounts and rule version the points were
 * computed from, so anyone can see why.
 *
 * The one thing that changes on an entry is `voided_at`: set when a workflow
 * compensation writes the entry's counter-entry. A voided entry and its
 * counter-entry stay in the ledger (the sums still hold), but neither counts in
 * an order's summary, and the voided entry gives its idempotency key back so
 * the retried workflow posts again.
 */
const Entry = model
  .define("loyalty_entry", {
    id: model.id({ prefix: "lent" }).primaryKey(),
    type: model.enum([...ENTRY_TYPES]),
    points: model.number(),
    balance_change: model.number().default(0),
    pending_change: model.number().default(0),
    debt_change: model.number().default(0),
    reason: model.text(),
    actor_type: model.enum([...ACTOR_TYPES]).default("system"),
    actor_id: model.text().nullable(),
    reference_type: model.text().nullable(),
    reference_id: model.text().nullable(),
    /** Set on every entry that concerns an order, for per-order summaries. */
    order_id: model.text().nullable(),
    idempotency_key: model.text(),
    program_version: model.number().nullable(),
    currency_code: model.text().nullable(),
    /** For `pending` entries: when the return window ends. */
    release_at: model.dateTime().nullable(),
    details: model.json().nullable(),
    /** When a compensation undid this entry (its counter-entry references it). */
    voided_at: model.dateTime().nullable(),
    account: model.belongsTo(() => Account, { mappedBy: "entries" }),
  })
  .indexes([
    { on: ["idempotency_key"], unique: true, where: "voided_at IS NULL" },
    { name: "IDX_loyalty_entry_account_created", on: ["account_id", "created_at", "id"] },
    { on: ["order_id"], where: "order_id IS NOT NULL" },
    // The release pass's due queue, read in keyset order (release date, id).
    { name: "IDX_loyalty_entry_release_due", on: ["release_at", "id"], where: "release_at IS NOT NULL" },
    // The tiers' catch-up reads the releases of the last days in keyset order (written at, id).
    { name: "IDX_loyalty_entry_release_written", on: ["created_at", "id"], where: "type = 'release'" },
  ])

export default Entry
