import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * The recompute's scratch table for scores (see models/customer-score.ts):
 * UNLOGGED, as its rows live only while a run is scoring (no WAL for them; a
 * crash empties the table, and the run it served is failed anyway), and
 * without the usual deleted_at index, as its rows are deleted, never soft-deleted.
 */
export class Migration20261202082459 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create unlogged table if not exists "loyalty_customer_score" ("id" text not null, "run_id" text not null, "r_score" integer not null, "f_score" integer not null, "m_score" integer not null, "f_rank" real not null, "m_rank" real not null, "nps_score" integer null, "referrals" integer not null, "rfm_segment" text not null, "matrix_segment" text not null, "lifecycle_stage" text not null, "p_alive" real not null, "churn_risk" real not null, "expected_90" real not null, "expected_365" real not null, "clv_12m" numeric not null, "clv_cac" real null, "explanation" text not null, "raw_clv_12m" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_customer_score_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_customer_score" cascade;`);
  }

}
