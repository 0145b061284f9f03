import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * A campaign's spent points leave `integer` for Medusa's big-number column
 * (`numeric` plus its raw JSON): a campaign without a budget counts every
 * order's points and passes 2,147,483,647 in time. Existing campaigns get
 * their raw value filled in.
 */
export class Migration20261206102958 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_campaign" add column if not exists "raw_spent_points" jsonb not null default '{"value":"0","precision":20}';`);
    this.addSql(`alter table if exists "loyalty_campaign" alter column "spent_points" type numeric using ("spent_points"::numeric);`);
    this.addSql(`update "loyalty_campaign" set "raw_spent_points" = jsonb_build_object('value', "spent_points"::text, 'precision', 20);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_campaign" drop column if exists "raw_spent_points";`);

    this.addSql(`alter table if exists "loyalty_campaign" alter column "spent_points" type integer using ("spent_points"::integer);`);
  }

}
