import fs from "fs"
import { ExecArgs } from "@medusajs/framework/types"
import { createAdminUser, createPublishableKey, setupCommerce } from "../../helpers"

/**
 * `medusa exec ./seed.ts`: the same store the HTTP suites build (region,
 * shipping, product, publishable key, admin), its ids written as JSON to
 * `SCALEOUT_FIXTURE_FILE` for the test that drives the processes over HTTP.
 */
export default async function seedScaleoutStore({ container }: ExecArgs) {
  const commerce = await setupCommerce(container)
  const admin = await createAdminUser(container)
  const { storeHeaders } = await createPublishableKey(container)
  fs.writeFileSync(
    process.env.SCALEOUT_FIXTURE_FILE as string,
    JSON.stringify({ commerce, adminHeaders: admin.headers, storeHeaders })
  )
}
