import fs from "fs"
import { createPromotionsWorkflow } from "@medusajs/core-flows"
import { ExecArgs } from "@medusajs/framework/types"
import { createAdminUser } from "../integration-tests/helpers/admin"
import { setupCommerce } from "../integration-tests/helpers/commerce"
import { createPublishableKey } from "../integration-tests/helpers/store"

/** The promotion code the bench applies in both stores: 5 EUR off the order, as 500 points pay. */
export const BENCH_PROMO_CODE = "BENCH5"

/**
 * `medusa exec <repo>/bench/seed.ts` in each store of `npm run bench`: the
 * same catalog in both (the HTTP suites' store: region, taxes, shipping, a
 * product at 100 and 25 EUR with stock for every checkout), a publishable key,
 * an admin user and a promotion code worth what 500 points pay. Its ids go as
 * JSON to `BENCH_FIXTURE_FILE` for bench/checkout.js, which drives the stores
 * over HTTP.
 */
export default async function seedBenchStore({ container }: ExecArgs) {
  const commerce = await setupCommerce(container, { stockedQuantity: 1_000_000 })
  const admin = await createAdminUser(container)
  const { storeHeaders } = await createPublishableKey(container)
  await createPromotionsWorkflow(container).run({
    input: {
      promotionsData: [
        {
          code: BENCH_PROMO_CODE,
          type: "standard",
          status: "active",
          is_automatic: false,
          application_method: {
            type: "fixed",
            target_type: "order",
            allocation: "across",
            value: 5,
            currency_code: "eur",
          },
        },
      ],
    },
  })
  fs.writeFileSync(
    process.env.BENCH_FIXTURE_FILE as string,
    JSON.stringify({ commerce, adminHeaders: admin.headers, storeHeaders, promoCode: BENCH_PROMO_CODE })
  )
}
