import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123195645 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_coupon" drop constraint if exists "loyalty_coupon_code_unique";`);
    this.addSql(`alter table if exists "loyalty_coupon" drop constraint if exists "loyalty_coupon_idempotency_key_unique";`);
    this.addSql(`create table if not exists "loyalty_coupon" ("id" text not null, "reward_id" text not null, "customer_id" text not null, "code" text not null, "currency_code" text null, "promotion_id" text null, "points_spent" integer not null, "entry_id" text null, "expires_at" timestamptz not null, "expired_at" timestamptz null, "idempotency_key" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_coupon_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_coupon_deleted_at" ON "loyalty_coupon" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_coupon_idempotency_key_unique" ON "loyalty_coupon" ("idempotency_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_coupon_code_unique" ON "loyalty_coupon" ("code") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_coupon_customer_id_reward_id" ON "loyalty_coupon" ("customer_id", "reward_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_coupon_open_expiry" ON "loyalty_coupon" ("expires_at") WHERE expired_at IS NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_reward" ("id" text not null, "name" text not null, "description" text null, "kind" text check ("kind" in ('fixed_amount', 'percentage', 'free_shipping')) not null, "amounts" jsonb null, "percentage" real null, "points_cost" integer not null, "starts_at" timestamptz null, "ends_at" timestamptz null, "per_customer_limit" integer null, "valid_days" integer not null default 30, "refund_on_expiry" boolean not null default false, "is_active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_reward_pkey" primary key ("id"), constraint loyalty_reward_points_cost_check check (points_cost > 0), constraint loyalty_reward_valid_days_check check (valid_days > 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_reward_deleted_at" ON "loyalty_reward" ("deleted_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_coupon" cascade;`);

    this.addSql(`drop table if exists "loyalty_reward" cascade;`);
  }

}
