import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * Customer insights' money leaves `real` (4-byte float: wrong cents above
 * 131,072, wrong units above 16.7 million) for Medusa's big-number columns:
 * `numeric` plus its raw JSON. Existing rows are converted and their raw
 * values filled in before the raw columns become required. R, F and M scores
 * default to 0 until a run scores them. Each direction changes the table in
 * one `alter table`, so Postgres rewrites it once, not once per column.
 */
export class Migration20261202043608 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`${TABLE} ${[
      ...MONEY.map((column) => `add column if not exists "raw_${column}" jsonb null`),
      ...MONEY.flatMap((column) => [`alter column "${column}" drop default`, `alter column "${column}" type numeric using ("${column}"::numeric)`]),
      ...SCORES.flatMap((column) => [`alter column "${column}" type integer using ("${column}"::integer)`, `alter column "${column}" set default 0`]),
    ].join(", ")};`);
    this.addSql(`update "loyalty_customer_insight" set ${MONEY.map((column) => {
      const raw = `jsonb_build_object('value', "${column}"::text, 'precision', 20)`
      return `"raw_${column}" = ${column === NULLABLE ? `case when "${column}" is null then null else ${raw} end` : raw}`
    }).join(", ")};`);
    this.addSql(`${TABLE} ${MONEY.filter((column) => column !== NULLABLE).map((column) => `alter column "raw_${column}" set not null`).join(", ")};`);
  }

  override async down(): Promise<void> {
    this.addSql(`${TABLE} ${[
      ...MONEY.map((column) => `drop column if exists "raw_${column}"`),
      ...MONEY.map((column) => `alter column "${column}" type real using ("${column}"::real)`),
      ...DEFAULT_ZERO.map((column) => `alter column "${column}" set default 0`),
      ...SCORES.map((column) => `alter column "${column}" drop default`),
    ].join(", ")};`);
  }

}

const TABLE = `alter table if exists "loyalty_customer_insight"`
/** The money columns: each becomes `numeric` with a `raw_` JSON column. */
const MONEY = ["monetary", "repeat_mean", "recent_spend", "prior_spend", "clv_12m"]
/** The one money column that may be null (no lifetime value before a run fits the model). */
const NULLABLE = "clv_12m"
/** The money columns that defaulted to 0 as `real` (their default goes with the change). */
const DEFAULT_ZERO = ["repeat_mean", "recent_spend", "prior_spend"]
const SCORES = ["r_score", "f_score", "m_score"]
