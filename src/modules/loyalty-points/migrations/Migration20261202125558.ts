import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202125558 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_action" drop constraint if exists "loyalty_action_code_unique";`);
    this.addSql(`create table if not exists "loyalty_action" ("id" text not null, "code" text not null, "name" text not null, "points" integer not null, "limit_count" integer null, "limit_period" text check ("limit_period" in ('day', 'week', 'month', 'year', 'lifetime')) not null default 'lifetime', "enabled" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_action_pkey" primary key ("id"), constraint loyalty_action_points_check check (points > 0), constraint loyalty_action_limit_check check (limit_count IS NULL OR limit_count > 0));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_action_deleted_at" ON "loyalty_action" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_action_code_unique" ON "loyalty_action" ("code") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "loyalty_account" add column if not exists "birthday_month" integer null, add column if not exists "birthday_day" integer null, add column if not exists "birthday_set_at" timestamptz null, add column if not exists "notifications_opt_out" boolean not null default false;`);

    this.addSql(`alter table if exists "loyalty_lot" add column if not exists "reminded_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_action" cascade;`);

    this.addSql(`alter table if exists "loyalty_account" drop column if exists "birthday_month", drop column if exists "birthday_day", drop column if exists "birthday_set_at", drop column if exists "notifications_opt_out";`);

    this.addSql(`alter table if exists "loyalty_lot" drop column if exists "reminded_at";`);
  }

}
