import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/**
 * Compensated entries are marked voided and give their idempotency key back,
 * so a workflow retried after a compensation posts again.
 */
export class Migration20261202043000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_entry" add column if not exists "voided_at" timestamptz null;`)
    this.addSql(`drop index if exists "IDX_loyalty_entry_idempotency_key_unique";`)
    this.addSql(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_entry_idempotency_key_unique" ON "loyalty_entry" ("idempotency_key") WHERE voided_at IS NULL AND deleted_at IS NULL;`
    )
    // Entries already undone by a compensation before this column existed.
    this.addSql(
      `update "loyalty_entry" e set "voided_at" = r."created_at" from "loyalty_entry" r
        where r."reference_type" = 'entry' and r."reference_id" = e."id" and e."voided_at" is null;`
    )
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_entry_idempotency_key_unique";`)
    this.addSql(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_entry_idempotency_key_unique" ON "loyalty_entry" ("idempotency_key") WHERE deleted_at IS NULL;`
    )
    this.addSql(`alter table if exists "loyalty_entry" drop column if exists "voided_at";`)
  }
}
