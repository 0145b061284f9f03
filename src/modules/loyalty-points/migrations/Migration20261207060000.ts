import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * A lot that gives spent points back keeps the credit they were
 * (`origin_entry_id`): an order's points spent, given back and expired count
 * as the order's expired points, so its reversal does not take them again.
 * Lots written before stay as they were (null: their own entry).
 */
export class Migration20261207060000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_lot" add column if not exists "origin_entry_id" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_lot" drop column if exists "origin_entry_id";`);
  }

}
