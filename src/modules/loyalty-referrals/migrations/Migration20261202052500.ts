import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/** The referral program option to take rewards back when the qualifying order is canceled or refunded. */
export class Migration20261202052500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table if exists "loyalty_referral_program_version" add column if not exists "take_back_rewards" boolean not null default true;`
    )
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_referral_program_version" drop column if exists "take_back_rewards";`)
  }
}
