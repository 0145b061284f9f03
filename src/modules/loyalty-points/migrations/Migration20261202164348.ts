import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202164348 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_notification_setting" drop constraint if exists "loyalty_notification_setting_kind_unique";`);
    this.addSql(`create table if not exists "loyalty_notification_setting" ("id" text not null, "kind" text not null, "enabled" boolean not null default true, "template" text null, "channel" text null, "updated_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_notification_setting_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_notification_setting_deleted_at" ON "loyalty_notification_setting" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_notification_setting_kind_unique" ON "loyalty_notification_setting" ("kind") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_notification_setting" cascade;`);
  }

}
