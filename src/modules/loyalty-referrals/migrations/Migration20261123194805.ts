import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123194805 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_referral_program_version" drop constraint if exists "loyalty_referral_program_version_version_unique";`);
    this.addSql(`alter table if exists "loyalty_referral_code" drop constraint if exists "loyalty_referral_code_code_unique";`);
    this.addSql(`alter table if exists "loyalty_referral_code" drop constraint if exists "loyalty_referral_code_customer_id_unique";`);
    this.addSql(`alter table if exists "loyalty_referral" drop constraint if exists "loyalty_referral_referee_id_unique";`);
    this.addSql(`create table if not exists "loyalty_referral" ("id" text not null, "code" text not null, "referrer_id" text not null, "referee_id" text not null, "status" text check ("status" in ('claimed', 'qualified', 'rewarded', 'flagged', 'rejected')) not null default 'claimed', "flags" jsonb not null, "order_id" text null, "program_version" integer not null, "referrer_points" integer not null, "referee_points" integer not null, "min_order_amounts" jsonb not null, "claimed_at" timestamptz not null, "qualified_at" timestamptz null, "rewarded_at" timestamptz null, "rewards_posted_at" timestamptz null, "referrer_entry_id" text null, "referee_entry_id" text null, "decision" text check ("decision" in ('approved', 'rejected')) null, "decided_by" text null, "decided_at" timestamptz null, "decision_note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_referral_pkey" primary key ("id"), constraint loyalty_referral_points_check check (referrer_points >= 0 AND referee_points >= 0), constraint loyalty_referral_not_self_check check (referrer_id <> referee_id));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_deleted_at" ON "loyalty_referral" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_referral_referee_id_unique" ON "loyalty_referral" ("referee_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_referrer_claimed" ON "loyalty_referral" ("referrer_id", "claimed_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_status_claimed" ON "loyalty_referral" ("status", "claimed_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_rewards_unposted" ON "loyalty_referral" ("rewarded_at") WHERE status = 'rewarded' AND rewards_posted_at IS NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_referral_claim_attempt" ("id" text not null, "customer_id" text not null, "client_address" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_referral_claim_attempt_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_claim_attempt_deleted_at" ON "loyalty_referral_claim_attempt" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_claim_attempt_customer" ON "loyalty_referral_claim_attempt" ("customer_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_claim_attempt_address" ON "loyalty_referral_claim_attempt" ("client_address", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_claim_attempt_created" ON "loyalty_referral_claim_attempt" ("created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_referral_code" ("id" text not null, "customer_id" text not null, "code" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_referral_code_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_code_deleted_at" ON "loyalty_referral_code" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_referral_code_customer_id_unique" ON "loyalty_referral_code" ("customer_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_referral_code_code_unique" ON "loyalty_referral_code" ("code") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_referral_program_version" ("id" text not null, "version" integer not null, "enabled" boolean not null, "referrer_points" integer not null, "referee_points" integer not null, "min_order_amounts" jsonb not null, "claim_window_days" integer not null, "monthly_cap" integer not null, "storefront_url" text null, "created_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_referral_program_version_pkey" primary key ("id"), constraint loyalty_referral_program_version_points_check check (referrer_points >= 0 AND referee_points >= 0), constraint loyalty_referral_program_version_limits_check check (claim_window_days >= 0 AND monthly_cap >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_referral_program_version_deleted_at" ON "loyalty_referral_program_version" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_referral_program_version_version_unique" ON "loyalty_referral_program_version" ("version") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_referral" cascade;`);

    this.addSql(`drop table if exists "loyalty_referral_claim_attempt" cascade;`);

    this.addSql(`drop table if exists "loyalty_referral_code" cascade;`);

    this.addSql(`drop table if exists "loyalty_referral_program_version" cascade;`);
  }

}
