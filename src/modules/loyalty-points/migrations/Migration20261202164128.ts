import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202164128 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "loyalty_member_import" ("id" text not null, "import_key" text not null, "file_name" text null, "format" text null, "dry_run" boolean not null, "status" text check ("status" in ('created', 'running', 'done', 'failed')) not null default 'created', "actor_id" text null, "bytes_total" integer null, "bytes_read" integer not null default 0, "rows_total" integer not null default 0, "rows_matched" integer not null default 0, "rows_unknown" integer not null default 0, "rows_bad" integer not null default 0, "rows_already" integer not null default 0, "rows_imported" integer not null default 0, "points" integer not null default 0, "points_already" integer not null default 0, "value" jsonb null, "tiers_set" integer not null default 0, "birthdays_set" integer not null default 0, "unknown_emails" jsonb null, "bad_rows" jsonb null, "notes" jsonb null, "error" text null, "finished_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_member_import_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_member_import_deleted_at" ON "loyalty_member_import" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_member_import_import_key_created_at" ON "loyalty_member_import" ("import_key", "created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_member_import" cascade;`);
  }

}
