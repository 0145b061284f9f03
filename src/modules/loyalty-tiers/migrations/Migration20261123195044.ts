import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123195044 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_tier_membership" drop constraint if exists "loyalty_tier_membership_customer_id_unique";`);
    this.addSql(`alter table if exists "loyalty_tier_history" drop constraint if exists "loyalty_tier_history_idempotency_key_unique";`);
    this.addSql(`alter table if exists "loyalty_tier_activity" drop constraint if exists "loyalty_tier_activity_idempotency_key_unique";`);
    this.addSql(`alter table if exists "loyalty_tier" drop constraint if exists "loyalty_tier_name_unique";`);
    this.addSql(`alter table if exists "loyalty_tier" drop constraint if exists "loyalty_tier_rank_unique";`);
    this.addSql(`create table if not exists "loyalty_tier" ("id" text not null, "name" text not null, "rank" integer not null, "metric" text check ("metric" in ('points', 'spend', 'orders')) not null, "threshold" integer null, "spend_thresholds" jsonb null, "earn_multiplier" real not null default 1, "perks" text null, "customer_group_id" text null, "bonus_points" integer not null default 0, "metadata" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_tier_pkey" primary key ("id"), constraint loyalty_tier_rank_check check (rank >= 1), constraint loyalty_tier_threshold_check check (threshold IS NULL OR threshold >= 1), constraint loyalty_tier_multiplier_check check (earn_multiplier >= 1 AND earn_multiplier <= 10), constraint loyalty_tier_bonus_check check (bonus_points >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_deleted_at" ON "loyalty_tier" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_tier_rank_unique" ON "loyalty_tier" ("rank") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_tier_name_unique" ON "loyalty_tier" ("name") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_tier_activity" ("id" text not null, "customer_id" text not null, "order_id" text null, "currency_code" text null, "points" integer not null default 0, "amount" numeric not null default 0, "orders" integer not null default 0, "occurred_at" timestamptz not null, "source_id" text null, "idempotency_key" text not null, "raw_amount" jsonb not null default '{"value":"0","precision":20}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_tier_activity_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_activity_deleted_at" ON "loyalty_tier_activity" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_tier_activity_idempotency_key_unique" ON "loyalty_tier_activity" ("idempotency_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_activity_customer_time" ON "loyalty_tier_activity" ("customer_id", "occurred_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_activity_time" ON "loyalty_tier_activity" ("occurred_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_tier_history" ("id" text not null, "customer_id" text not null, "from_tier_id" text null, "from_tier_name" text null, "to_tier_id" text null, "to_tier_name" text null, "reason" text check ("reason" in ('qualified', 'review', 'override', 'override_ended', 'tier_deleted')) not null, "note" text not null, "actor_type" text check ("actor_type" in ('system', 'admin')) not null default 'system', "actor_id" text null, "qualified_until" timestamptz null, "details" jsonb null, "idempotency_key" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_tier_history_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_history_deleted_at" ON "loyalty_tier_history" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_tier_history_idempotency_key_unique" ON "loyalty_tier_history" ("idempotency_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_history_customer_created" ON "loyalty_tier_history" ("customer_id", "created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_tier_membership" ("id" text not null, "customer_id" text not null, "tier_id" text null, "earned_tier_id" text null, "qualified_at" timestamptz null, "qualified_until" timestamptz null, "override_id" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_tier_membership_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_deleted_at" ON "loyalty_tier_membership" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_customer_id_unique" ON "loyalty_tier_membership" ("customer_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_tier_id" ON "loyalty_tier_membership" ("tier_id") WHERE tier_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_earned_tier_id" ON "loyalty_tier_membership" ("earned_tier_id") WHERE earned_tier_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_qualified_until" ON "loyalty_tier_membership" ("qualified_until") WHERE qualified_until IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_tier_override" ("id" text not null, "customer_id" text not null, "tier_id" text null, "reason" text not null, "created_by" text not null, "ends_at" timestamptz null, "ended_at" timestamptz null, "ended_by" text null, "end_reason" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_tier_override_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_override_deleted_at" ON "loyalty_tier_override" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_tier_override_active" ON "loyalty_tier_override" ("customer_id") WHERE ended_at IS NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_override_due" ON "loyalty_tier_override" ("ends_at") WHERE ended_at IS NULL AND ends_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_tier_settings" ("id" text not null, "window" text check ("window" in ('rolling', 'calendar_year', 'lifetime')) not null, "window_months" integer not null, "grace_days" integer not null, "updated_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_tier_settings_pkey" primary key ("id"), constraint loyalty_tier_settings_months_check check (window_months >= 1), constraint loyalty_tier_settings_grace_check check (grace_days >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_settings_deleted_at" ON "loyalty_tier_settings" ("deleted_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_tier" cascade;`);

    this.addSql(`drop table if exists "loyalty_tier_activity" cascade;`);

    this.addSql(`drop table if exists "loyalty_tier_history" cascade;`);

    this.addSql(`drop table if exists "loyalty_tier_membership" cascade;`);

    this.addSql(`drop table if exists "loyalty_tier_override" cascade;`);

    this.addSql(`drop table if exists "loyalty_tier_settings" cascade;`);
  }

}
