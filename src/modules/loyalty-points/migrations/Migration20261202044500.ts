import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202044500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_coupon" add column if not exists "claimed_cart_id" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_coupon" drop column if exists "claimed_cart_id";`);
  }

}
