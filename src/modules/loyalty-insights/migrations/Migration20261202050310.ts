import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/** The holdout check's per-customer facts as of the holdout's start, and their purchase days in it. */
export class Migration20261202050310 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_customer_insight" add column if not exists "cal_purchase_days" integer null, add column if not exists "cal_tx_days" integer null, add column if not exists "cal_age_days" integer null, add column if not exists "holdout_purchase_days" integer null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_customer_insight" drop column if exists "cal_purchase_days", drop column if exists "cal_tx_days", drop column if exists "cal_age_days", drop column if exists "holdout_purchase_days";`);
  }

}
