import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202195354 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "loyalty_order_fact" ("id" text not null, "order_id" text not null, "customer_id" text not null, "currency_code" text not null, "placed_at" timestamptz not null, "sales_channel_id" text null, "total" numeric not null, "items_net" numeric not null, "points_credit" numeric not null, "lines" jsonb not null, "source" text check ("source" in ('award', 'history')) not null, "raw_total" jsonb not null, "raw_items_net" jsonb not null, "raw_points_credit" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_order_fact_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_order_fact_deleted_at" ON "loyalty_order_fact" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_order_fact_order_id" ON "loyalty_order_fact" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_order_fact_placed_at" ON "loyalty_order_fact" ("placed_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_order_fact" cascade;`);
  }

}
