import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * The recompute's scratch table for order facts (see models/customer-fact.ts):
 * UNLOGGED and with its primary key only, like `loyalty_customer_score`: its
 * rows live only while a run is computed (no WAL for them; a crash empties the
 * table, and the run it served is failed anyway). The run's insight rows are
 * then written once, from it and the scores.
 */
export class Migration20261203183000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create unlogged table if not exists "loyalty_customer_fact" ("id" text not null, "run_id" text not null, "customer_id" text not null, "is_member" boolean not null, "orders_count" integer not null, "purchase_days" integer not null, "first_order_at" timestamptz not null, "last_order_at" timestamptz not null, "recency_days" integer not null, "tx_days" integer not null, "age_days" integer not null, "monetary" numeric not null, "monetary_by_currency" jsonb not null, "repeat_mean" numeric not null, "recent_spend" numeric not null, "prior_spend" numeric not null, "gap_before_last" integer null, "nps_score" integer null, "referrals" integer not null, "redeemed_points" integer not null, "cal_purchase_days" integer null, "cal_tx_days" integer null, "cal_age_days" integer null, "holdout_purchase_days" integer null, "raw_monetary" jsonb not null, "raw_repeat_mean" jsonb not null, "raw_recent_spend" jsonb not null, "raw_prior_spend" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_customer_fact_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_customer_fact" cascade;`);
  }

}
