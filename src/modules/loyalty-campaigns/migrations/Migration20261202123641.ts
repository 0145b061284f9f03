import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202123641 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_earning_rule" drop constraint if exists "loyalty_earning_rule_target_type_target_id_unique";`);
    this.addSql(`alter table if exists "loyalty_campaign_award" drop constraint if exists "loyalty_campaign_award_campaign_id_order_id_unique";`);
    this.addSql(`create table if not exists "loyalty_campaign" ("id" text not null, "name" text not null, "description" text null, "version" integer not null default 1, "status" text check ("status" in ('draft', 'scheduled', 'live', 'paused', 'ended')) not null default 'draft', "type" text check ("type" in ('multiplier', 'order_bonus', 'amount_bonus')) not null, "value" numeric not null default 0, "rates" jsonb null, "min_order_amounts" jsonb null, "starts_at" timestamptz null, "ends_at" timestamptz null, "recurrence" jsonb null, "time_zone" text not null default 'UTC', "tier_ids" jsonb not null default '[]', "customer_group_ids" jsonb not null default '[]', "segments" jsonb not null default '[]', "sales_channel_ids" jsonb not null default '[]', "product_ids" jsonb not null default '[]', "collection_ids" jsonb not null default '[]', "category_ids" jsonb not null default '[]', "budget_points" integer null, "spent_points" integer not null default 0, "per_customer_cap" integer null, "priority" integer not null default 0, "stacking" text check ("stacking" in ('best_wins', 'additive')) not null default 'best_wins', "stack_cap" numeric null, "raw_value" jsonb not null default '{"value":"0","precision":20}', "raw_stack_cap" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_campaign_pkey" primary key ("id"), constraint loyalty_campaign_spent_within_budget check (budget_points IS NULL OR spent_points <= budget_points), constraint loyalty_campaign_spent_not_negative check (spent_points >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_campaign_deleted_at" ON "loyalty_campaign" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_campaign_status" ON "loyalty_campaign" ("status") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_campaign_award" ("id" text not null, "campaign_id" text not null, "campaign_version" integer not null, "customer_id" text not null, "order_id" text not null, "requested_points" integer not null, "points" integer not null, "order_amount" numeric not null, "currency_code" text not null, "raw_order_amount" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_campaign_award_pkey" primary key ("id"), constraint loyalty_campaign_award_points check (points >= 0 AND points <= requested_points));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_campaign_award_deleted_at" ON "loyalty_campaign_award" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_campaign_award_campaign_id_order_id_unique" ON "loyalty_campaign_award" ("campaign_id", "order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_campaign_award_campaign_id_customer_id" ON "loyalty_campaign_award" ("campaign_id", "customer_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_earning_rule" ("id" text not null, "target_type" text check ("target_type" in ('product', 'category', 'collection')) not null, "target_id" text not null, "factor" numeric not null, "note" text null, "raw_factor" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_earning_rule_pkey" primary key ("id"), constraint loyalty_earning_rule_factor check (factor >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_earning_rule_deleted_at" ON "loyalty_earning_rule" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_earning_rule_target_type_target_id_unique" ON "loyalty_earning_rule" ("target_type", "target_id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_campaign" cascade;`);

    this.addSql(`drop table if exists "loyalty_campaign_award" cascade;`);

    this.addSql(`drop table if exists "loyalty_earning_rule" cascade;`);
  }

}
