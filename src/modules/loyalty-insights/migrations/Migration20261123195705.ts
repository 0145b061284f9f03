import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123195705 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_kpi_snapshot" drop constraint if exists "loyalty_kpi_snapshot_run_id_month_cohort_unique";`);
    this.addSql(`alter table if exists "loyalty_feedback" drop constraint if exists "loyalty_feedback_order_id_unique";`);
    this.addSql(`alter table if exists "loyalty_customer_insight" drop constraint if exists "loyalty_customer_insight_run_id_customer_id_unique";`);
    this.addSql(`create table if not exists "loyalty_customer_insight" ("id" text not null, "run_id" text not null, "customer_id" text not null, "is_member" boolean not null default false, "orders_count" integer not null, "purchase_days" integer not null, "first_order_at" timestamptz not null, "last_order_at" timestamptz not null, "recency_days" integer not null, "tx_days" integer not null, "age_days" integer not null, "monetary" real not null, "monetary_by_currency" jsonb not null, "repeat_mean" real not null default 0, "recent_spend" real not null default 0, "prior_spend" real not null default 0, "gap_before_last" integer null, "r_score" integer not null, "f_score" integer not null, "m_score" integer not null, "f_rank" real not null default 0, "m_rank" real not null default 0, "nps_score" integer null, "referrals" integer not null default 0, "redeemed_points" integer not null default 0, "rfm_segment" text null, "matrix_segment" text null, "lifecycle_stage" text null, "p_alive" real null, "churn_risk" real null, "expected_90" real null, "expected_365" real null, "clv_12m" real null, "clv_cac" real null, "clv_rank" real null, "value_score" real null, "value_band" text null, "explanation" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_customer_insight_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_customer_insight_deleted_at" ON "loyalty_customer_insight" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_customer_insight_run_id_customer_id_unique" ON "loyalty_customer_insight" ("run_id", "customer_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_customer_insight_run_id_rfm_segment_customer_id" ON "loyalty_customer_insight" ("run_id", "rfm_segment", "customer_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_customer_insight_customer_id" ON "loyalty_customer_insight" ("customer_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_feedback" ("id" text not null, "customer_id" text not null, "order_id" text not null, "score" integer not null, "comment" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_feedback_pkey" primary key ("id"), constraint loyalty_feedback_score_check check (score >= 0 AND score <= 10));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_feedback_deleted_at" ON "loyalty_feedback" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_feedback_order_id_unique" ON "loyalty_feedback" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_feedback_customer_id_created_at" ON "loyalty_feedback" ("customer_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_feedback_created_at" ON "loyalty_feedback" ("created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_insight_run" ("id" text not null, "status" text check ("status" in ('running', 'succeeded', 'failed')) not null default 'running', "as_of" timestamptz not null, "started_at" timestamptz not null, "finished_at" timestamptz null, "progress" real not null default 0, "stage" text not null default 'queued', "customers" integer not null default 0, "currency_code" text null, "model" text null, "model_reason" text null, "params" jsonb null, "summary" jsonb null, "error" text null, "triggered_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_insight_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_insight_run_deleted_at" ON "loyalty_insight_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_insight_run_one_running" ON "loyalty_insight_run" ("status") WHERE status = 'running' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_insight_run_as_of" ON "loyalty_insight_run" ("as_of") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_insight_settings" ("id" text not null, "settings" jsonb not null, "updated_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_insight_settings_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_insight_settings_deleted_at" ON "loyalty_insight_settings" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_kpi_snapshot" ("id" text not null, "run_id" text not null, "month" text not null, "cohort" text check ("cohort" in ('member', 'non_member', 'all')) not null, "metrics" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_kpi_snapshot_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_kpi_snapshot_deleted_at" ON "loyalty_kpi_snapshot" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_loyalty_kpi_snapshot_run_id_month_cohort_unique" ON "loyalty_kpi_snapshot" ("run_id", "month", "cohort") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "loyalty_segment_change" ("id" text not null, "customer_id" text not null, "run_id" text not null, "kind" text check ("kind" in ('rfm', 'matrix', 'lifecycle')) not null, "from_value" text null, "to_value" text not null, "changed_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "loyalty_segment_change_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_segment_change_deleted_at" ON "loyalty_segment_change" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_segment_change_customer_id_changed_at" ON "loyalty_segment_change" ("customer_id", "changed_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_segment_change_run_id" ON "loyalty_segment_change" ("run_id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_customer_insight" cascade;`);

    this.addSql(`drop table if exists "loyalty_feedback" cascade;`);

    this.addSql(`drop table if exists "loyalty_insight_run" cascade;`);

    this.addSql(`drop table if exists "loyalty_insight_settings" cascade;`);

    this.addSql(`drop table if exists "loyalty_kpi_snapshot" cascade;`);

    this.addSql(`drop table if exists "loyalty_segment_change" cascade;`);
  }

}
