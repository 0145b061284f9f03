import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202173610 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_created" ON "loyalty_entry" ("created_at", "id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_entry_created";`);
  }

}
