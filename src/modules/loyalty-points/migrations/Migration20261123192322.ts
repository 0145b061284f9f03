import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123192322 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_program_version" drop constraint if exists "loyalty_program_version_version_unique";`);
    this.addSql(`alter table if exists "loyalty_entry" drop constraint if exists "loyalty_entry_idempotency_key_unique";`);
    this.addSql(`alter table if exists "loyalty_account" drop constraint if exists "loyalty_account_customer_id_unique";`);
    this.addSql(`create table if not exists "loyalty_account" ("id" text not null, "customer_id" text not null, "balance" integer not null default 0, "pending" integer not null default 0, "debt" integer not null default 0, "lifetime_earned" integer not null default 0, "lifetime_redeemed" integer not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_account_pkey" primary key ("id"), constraint loyalty_account_balance_check check (balance >= 0), constraint loyalty_account_pending_check check (pending >= 0), constraint loyalty_account_debt_check check (debt >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_account_deleted_at" ON "loyalty_account" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_account_customer_id_unique" ON "loyalty_account" ("customer_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_entry" ("id" text not null, "type" text check ("type" in ('earn', 'pending', 'release', 'redeem', 'reverse', 'expire', 'adjust', 'restore')) not null, "points" integer not null, "balance_change" integer not null default 0, "pending_change" integer not null default 0, "debt_change" integer not null default 0, "reason" text not null, "actor_type" text check ("actor_type" in ('customer', 'system', 'admin')) not null default 'system', "actor_id" text null, "reference_type" text null, "reference_id" text null, "order_id" text null, "idempotency_key" text not null, "program_version" integer null, "currency_code" text null, "release_at" timestamptz null, "details" jsonb null, "account_id" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_entry_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_account_id" ON "loyalty_entry" ("account_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_deleted_at" ON "loyalty_entry" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_entry_idempotency_key_unique" ON "loyalty_entry" ("idempotency_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_account_created" ON "loyalty_entry" ("account_id", "created_at", "id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_order_id" ON "loyalty_entry" ("order_id") WHERE order_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_entry_release_at" ON "loyalty_entry" ("release_at") WHERE release_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_lot" ("id" text not null, "entry_id" text not null, "points" integer not null, "remaining" integer not null, "expires_at" timestamptz null, "account_id" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_lot_pkey" primary key ("id"), constraint loyalty_lot_remaining_check check (remaining >= 0 AND remaining <= points));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_lot_account_id" ON "loyalty_lot" ("account_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_lot_deleted_at" ON "loyalty_lot" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_lot_open" ON "loyalty_lot" ("account_id", "expires_at") WHERE remaining > 0 AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_lot_expiring" ON "loyalty_lot" ("expires_at") WHERE remaining > 0 AND expires_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_program_version" ("id" text not null, "version" integer not null, "earn_rates" jsonb not null, "pending_days" integer not null, "expiry_months" integer not null, "signup_bonus" integer not null, "point_values" jsonb not null, "min_redeem_points" integer not null, "redeem_step" integer not null, "max_redeem_share" real not null, "shipping_redeemable" boolean not null, "created_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_program_version_pkey" primary key ("id"), constraint loyalty_program_version_pending_days_check check (pending_days >= 0), constraint loyalty_program_version_expiry_months_check check (expiry_months >= 0), constraint loyalty_program_version_signup_bonus_check check (signup_bonus >= 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_program_version_deleted_at" ON "loyalty_program_version" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_program_version_version_unique" ON "loyalty_program_version" ("version") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "loyalty_entry" add constraint "loyalty_entry_account_id_foreign" foreign key ("account_id") references "loyalty_account" ("id") on update cascade;`);

    this.addSql(`alter table if exists "loyalty_lot" add constraint "loyalty_lot_account_id_foreign" foreign key ("account_id") references "loyalty_account" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_entry" drop constraint if exists "loyalty_entry_account_id_foreign";`);

    this.addSql(`alter table if exists "loyalty_lot" drop constraint if exists "loyalty_lot_account_id_foreign";`);

    this.addSql(`drop table if exists "loyalty_account" cascade;`);

    this.addSql(`drop table if exists "loyalty_entry" cascade;`);

    this.addSql(`drop table if exists "loyalty_lot" cascade;`);

    this.addSql(`drop table if exists "loyalty_program_version" cascade;`);
  }

}
