import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261206173000 extends Migration {

  override async up(): Promise<void> {
    // A referral marked rewarded whose order was canceled (or a side deleted) before it was paid: `forfeited`, with the reason.
    this.addSql(`alter table if exists "loyalty_referral" drop constraint if exists "loyalty_referral_status_check";`);
    this.addSql(`alter table if exists "loyalty_referral" add constraint "loyalty_referral_status_check" check ("status" in ('claimed', 'qualified', 'rewarded', 'flagged', 'rejected', 'forfeited'));`);
    this.addSql(`alter table if exists "loyalty_referral" add column if not exists "forfeit_reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_referral" drop column if exists "forfeit_reason";`);
    this.addSql(`alter table if exists "loyalty_referral" drop constraint if exists "loyalty_referral_status_check";`);
    this.addSql(`alter table if exists "loyalty_referral" add constraint "loyalty_referral_status_check" check ("status" in ('claimed', 'qualified', 'rewarded', 'flagged', 'rejected'));`);
  }

}
