import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203074948 extends Migration {

  override async up(): Promise<void> {
    // Keyset reads of the repair pass: (rewarded_at, id).
    this.addSql(`drop index if exists "IDX_loyalty_referral_rewards_unposted";`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_rewards_unposted" ON "loyalty_referral" ("rewarded_at", "id") WHERE status = 'rewarded' AND rewards_posted_at IS NULL AND deleted_at IS NULL;`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_open" ON "loyalty_referral" ("id") WHERE status IN ('claimed', 'qualified') AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_referral_rewards_unposted";`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_rewards_unposted" ON "loyalty_referral" ("rewarded_at") WHERE status = 'rewarded' AND rewards_posted_at IS NULL AND deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_loyalty_referral_open";`);
  }

}
