import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * A member import run's points and bytes leave `integer` for Medusa's
 * big-number columns (`numeric` plus its raw JSON): a run's points add up
 * rows of many members, and a file may pass 2 GiB, both past 2,147,483,647.
 * Existing runs get their raw values filled in from the converted columns.
 */
export class Migration20261206102401 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_member_import" add column if not exists "raw_bytes_total" jsonb null, add column if not exists "raw_bytes_read" jsonb not null default '{"value":"0","precision":20}', add column if not exists "raw_points" jsonb not null default '{"value":"0","precision":20}', add column if not exists "raw_points_already" jsonb not null default '{"value":"0","precision":20}';`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "bytes_total" type numeric using ("bytes_total"::numeric);`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "bytes_read" type numeric using ("bytes_read"::numeric);`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "points" type numeric using ("points"::numeric);`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "points_already" type numeric using ("points_already"::numeric);`);
    this.addSql(`update "loyalty_member_import" set
      "raw_bytes_total" = case when "bytes_total" is null then null else jsonb_build_object('value', "bytes_total"::text, 'precision', 20) end,
      "raw_bytes_read" = jsonb_build_object('value', "bytes_read"::text, 'precision', 20),
      "raw_points" = jsonb_build_object('value', "points"::text, 'precision', 20),
      "raw_points_already" = jsonb_build_object('value', "points_already"::text, 'precision', 20);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_member_import" drop column if exists "raw_bytes_total", drop column if exists "raw_bytes_read", drop column if exists "raw_points", drop column if exists "raw_points_already";`);

    this.addSql(`alter table if exists "loyalty_member_import" alter column "bytes_total" type integer using ("bytes_total"::integer);`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "bytes_read" type integer using ("bytes_read"::integer);`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "points" type integer using ("points"::integer);`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "points_already" type integer using ("points_already"::integer);`);
  }

}
