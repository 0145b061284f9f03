import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * Customer insights' money leaves `real` (4-byte float: wrong cents above
 * 131,072, wrong units above 16.7 million) for Medusa's big-number columns:
 * `numeric` plus its raw JSON. Existing rows are converted and their raw
 * values filled in before the raw columns become required. R, F and M scores
 * default to 0 until a run scores them.
 */
export class Migration20261202043608 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_customer_insight" add column if not exists "raw_monetary" jsonb null, add column if not exists "raw_repeat_mean" jsonb null, add column if not exists "raw_recent_spend" jsonb null, add column if not exists "raw_prior_spend" jsonb null, add column if not exists "raw_clv_12m" jsonb null;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "monetary" type numeric using ("monetary"::numeric);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "repeat_mean" drop default;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "repeat_mean" type numeric using ("repeat_mean"::numeric);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "recent_spend" drop default;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "recent_spend" type numeric using ("recent_spend"::numeric);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "prior_spend" drop default;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "prior_spend" type numeric using ("prior_spend"::numeric);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "r_score" type integer using ("r_score"::integer);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "r_score" set default 0;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "f_score" type integer using ("f_score"::integer);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "f_score" set default 0;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "m_score" type integer using ("m_score"::integer);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "m_score" set default 0;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "clv_12m" type numeric using ("clv_12m"::numeric);`);
    this.addSql(`update "loyalty_customer_insight" set
      "raw_monetary" = jsonb_build_object('value', "monetary"::text, 'precision', 20),
      "raw_repeat_mean" = jsonb_build_object('value', "repeat_mean"::text, 'precision', 20),
      "raw_recent_spend" = jsonb_build_object('value', "recent_spend"::text, 'precision', 20),
      "raw_prior_spend" = jsonb_build_object('value', "prior_spend"::text, 'precision', 20),
      "raw_clv_12m" = case when "clv_12m" is null then null else jsonb_build_object('value', "clv_12m"::text, 'precision', 20) end;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "raw_monetary" set not null, alter column "raw_repeat_mean" set not null, alter column "raw_recent_spend" set not null, alter column "raw_prior_spend" set not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "loyalty_customer_insight" drop column if exists "raw_monetary", drop column if exists "raw_repeat_mean", drop column if exists "raw_recent_spend", drop column if exists "raw_prior_spend", drop column if exists "raw_clv_12m";`);

    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "monetary" type real using ("monetary"::real);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "repeat_mean" type real using ("repeat_mean"::real);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "repeat_mean" set default 0;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "recent_spend" type real using ("recent_spend"::real);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "recent_spend" set default 0;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "prior_spend" type real using ("prior_spend"::real);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "prior_spend" set default 0;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "r_score" drop default;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "r_score" type integer using ("r_score"::integer);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "f_score" drop default;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "f_score" type integer using ("f_score"::integer);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "m_score" drop default;`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "m_score" type integer using ("m_score"::integer);`);
    this.addSql(`alter table if exists "loyalty_customer_insight" alter column "clv_12m" type real using ("clv_12m"::real);`);
  }

}
