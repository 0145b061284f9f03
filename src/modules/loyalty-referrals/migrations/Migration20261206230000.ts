import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261206230000 extends Migration {

  override async up(): Promise<void> {
    // The take-back reconciliation reads the paid referrals still kept in keyset order (posted at, id).
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_rewards_posted" ON "loyalty_referral" ("rewards_posted_at", "id") WHERE status = 'rewarded' AND rewards_posted_at IS NOT NULL AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_referral_rewards_posted";`);
  }

}
