import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * Member imports: the server keys a run by its uploaded content when the
 * request names no key (so the key is empty until the file arrives), a run
 * may credit members an earlier import credited only when asked
 * (`repeat_members`), and a run reports the members it skipped for that.
 */
export class Migration20261206170000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_member_import" alter column "import_key" drop not null;`);
    this.addSql(`alter table if exists "loyalty_member_import" add column if not exists "repeat_members" boolean not null default false, add column if not exists "members_earlier" integer not null default 0, add column if not exists "rows_earlier" integer not null default 0, add column if not exists "points_earlier" numeric not null default 0, add column if not exists "raw_points_earlier" jsonb not null default '{"value":"0","precision":20}', add column if not exists "earlier_members" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_member_import" drop column if exists "repeat_members", drop column if exists "members_earlier", drop column if exists "rows_earlier", drop column if exists "points_earlier", drop column if exists "raw_points_earlier", drop column if exists "earlier_members";`);
    this.addSql(`update "loyalty_member_import" set "import_key" = "id" where "import_key" is null;`);
    this.addSql(`alter table if exists "loyalty_member_import" alter column "import_key" set not null;`);
  }

}
