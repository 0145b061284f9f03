import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203074947 extends Migration {

  override async up(): Promise<void> {
    // Keyset reads of the override pass: (ends_at, id).
    this.addSql(`drop index if exists "IDX_loyalty_tier_override_due";`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_override_due" ON "loyalty_tier_override" ("ends_at", "id") WHERE ended_at IS NULL AND ends_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_loyalty_tier_membership_qualified_until";`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_due" ON "loyalty_tier_membership" ("qualified_until", "customer_id") WHERE qualified_until IS NOT NULL AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_loyalty_tier_override_due";`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_override_due" ON "loyalty_tier_override" ("ends_at") WHERE ended_at IS NULL AND ends_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_loyalty_tier_membership_due";`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_loyalty_tier_membership_qualified_until" ON "loyalty_tier_membership" ("qualified_until") WHERE qualified_until IS NOT NULL AND deleted_at IS NULL;`);
  }

}
