import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203074949 extends Migration {

  override async up(): Promise<void> {
    // Keyset reads of the expiry pass: (expires_at, id).
    this.addSql(`drop index if exists "IDX_loyalty_lot_expiring";`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_lot_expiring" ON "loyalty_lot" ("expires_at", "id") WHERE remaining > 0 AND expires_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_loyalty_entry_release_at";`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_release_due" ON "loyalty_entry" ("release_at", "id") WHERE release_at IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_release_written" ON "loyalty_entry" ("created_at", "id") WHERE type = 'release' AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_lot_expiring";`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_lot_expiring" ON "loyalty_lot" ("expires_at") WHERE remaining > 0 AND expires_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_loyalty_entry_release_due";`);
    this.addSql(`drop index if exists "IDX_loyalty_entry_release_written";`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_release_at" ON "loyalty_entry" ("release_at") WHERE release_at IS NOT NULL AND deleted_at IS NULL;`);
  }

}
