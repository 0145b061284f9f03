import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * A customer's purchase days that have a value (`valued_days`) and those of
 * them after the first (`valued_repeat_days`): a day paid only in a currency
 * with no rate counts as a purchase day, not in the spend per day. Existing
 * rows were computed with every day in their spend figures (an unvalued day
 * as 0), so they get every day as valued: their `repeat_mean` is the mean
 * over `purchase_days - 1` days.
 */
export class Migration20261206222333 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_customer_fact" add column if not exists "valued_days" integer null, add column if not exists "valued_repeat_days" integer null;`);
    this.addSql(`update "loyalty_customer_fact" set "valued_days" = "purchase_days", "valued_repeat_days" = "purchase_days" - 1 where "valued_days" is null;`);
    this.addSql(`alter table if exists "loyalty_customer_fact" alter column "valued_days" set not null, alter column "valued_repeat_days" set not null;`);

    this.addSql(`alter table if exists "loyalty_customer_insight" add column if not exists "valued_days" integer null, add column if not exists "valued_repeat_days" integer null;`);
    this.addSql(`update "loyalty_customer_insight" set "valued_days" = "purchase_days", "valued_repeat_days" = "purchase_days" - 1 where "valued_days" is null;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "valued_days" set not null, alter column "valued_repeat_days" set not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_customer_fact" drop column if exists "valued_days", drop column if exists "valued_repeat_days";`);
    this.addSql(`alter table if exists "loyalty_customer_insight" drop column if exists "valued_days", drop column if exists "valued_repeat_days";`);
  }

}
