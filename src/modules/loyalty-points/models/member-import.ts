import { model } from "@medusajs/framework/utils"

/**
 * One run of a member import (a dry run or the real one) and its report: the
 * admin page polls it for the progress bar, and it stays as the record of what
 * was imported from which file. Counts grow batch by batch; the lists keep the
 * first lines only (the counts are complete). Points and bytes are Medusa's
 * big numbers (`numeric`): a run's total adds up rows of many members, and a
 * file may pass 2 GiB, both past a 32-bit integer.
 */
const MemberImport = model
  .define("loyalty_member_import", {
    id: model.id({ prefix: "limp" }).primaryKey(),
    /**
     * Scopes the ledger keys: the merchant's own name for the import, else the
     * SHA-256 of the uploaded content, which the server computes when the file
     * arrives (null until then). Never from a file's name, size or date.
     */
    import_key: model.text().nullable(),
    /**
     * Credit members that an earlier import (another key) already credited.
     * Off by default: a changed copy of a file already imported has another
     * key, and crediting its members again would pay them twice.
     */
    repeat_members: model.boolean().default(false),
    file_name: model.text().nullable(),
    /** generic, smile, loyaltylion or yotpo: told from the header row. */
    format: model.text().nullable(),
    dry_run: model.boolean(),
    status: model.enum(["created", "running", "done", "failed"]).default("created"),
    /** The admin user who started it; null from the command line. */
    actor_id: model.text().nullable(),
    bytes_total: model.bigNumber().nullable(),
    bytes_read: model.bigNumber().default(0),
    rows_total: model.number().default(0),
    rows_matched: model.number().default(0),
    rows_unknown: model.number().default(0),
    rows_bad: model.number().default(0),
    /** Rows of this import key already in the ledger (a re-import): nothing written for them. */
    rows_already: model.number().default(0),
    /** Rows credited by this run (0 for a dry run). */
    rows_imported: model.number().default(0),
    /** Points this run credits (a dry run: would credit). */
    points: model.bigNumber().default(0),
    points_already: model.bigNumber().default(0),
    /** Members skipped because an earlier import (another key) credited them, counted on their first row. */
    members_earlier: model.number().default(0),
    /** Rows of those members, and their points: not credited. */
    rows_earlier: model.number().default(0),
    points_earlier: model.bigNumber().default(0),
    /** Money value of `points` per currency with a point value, as decimal strings. */
    value: model.json().nullable(),
    tiers_set: model.number().default(0),
    birthdays_set: model.number().default(0),
    /** First unknown emails, `{ line, email }`. */
    unknown_emails: model.json().nullable(),
    /** First bad rows, `{ line, reason }`. */
    bad_rows: model.json().nullable(),
    /** First members skipped for an earlier import, `{ line, email, import_id, imported_at, points }`. */
    earlier_members: model.json().nullable(),
    /** First rows imported with something left out, `{ line, reason }`. */
    notes: model.json().nullable(),
    error: model.text().nullable(),
    finished_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["import_key", "created_at"] }])

export default MemberImport
