import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203140000 extends Migration {

  override async up(): Promise<void> {
    // Accounts opened before the column may belong to referred customers: they say true, new ones false
    // until their customer claims a code.
    this.addSql(`alter table if exists "loyalty_account" add column if not exists "referred" boolean not null default true;`);
    this.addSql(`alter table if exists "loyalty_account" alter column "referred" set default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_account" drop column if exists "referred";`);
  }

}
