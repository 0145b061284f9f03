import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202163741 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_tier_membership" add column if not exists "drop_reminded_for" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_tier_membership" drop column if exists "drop_reminded_for";`);
  }

}
