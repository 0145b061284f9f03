import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * Coupon purchases not finished (no promotion yet): the daily coupon pass
 * reads those older than 15 minutes, purchases that died part-way, off this
 * small partial index instead of scanning every coupon ever sold.
 */
export class Migration20261206161644 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_coupon_unfinished" ON "loyalty_coupon" ("created_at", "id") WHERE promotion_id IS NULL AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_coupon_unfinished";`);
  }

}
