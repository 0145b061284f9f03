import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * A coupon keeps its reward's `refund_on_expiry` from when it was bought:
 * staff changing the reward later no longer changes coupons already sold.
 * Coupons bought before get their reward's flag as it stands now (the best
 * record of their terms there is; a withdrawn reward's row is still there).
 */
export class Migration20261206135236 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_coupon" add column if not exists "refund_on_expiry" boolean not null default false;`);
    this.addSql(`update "loyalty_coupon" c set "refund_on_expiry" = r."refund_on_expiry" from "loyalty_reward" r where r."id" = c."reward_id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_coupon" drop column if exists "refund_on_expiry";`);
  }

}
