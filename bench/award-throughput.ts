import fs from "fs"
import path from "path"
import { createOrderWorkflow } from "@medusajs/core-flows"
import { ExecArgs } from "@medusajs/framework/types"

/**
 * `medusa exec <repo>/bench/award-throughput.ts` in the plugin store of
 * `npm run bench`: how many `order.placed` events the plugin's award
 * subscriber handles per second. BENCH_AWARD_ORDERS orders of the bench's
 * shoppers are created first with Medusa's createOrderWorkflow (not timed),
 * then the subscriber, as the store has it installed, handles one event per
 * order, CONCURRENCY at a time. Writes the figures as JSON to BENCH_RESULT.
 */
const CONCURRENCY = 8

export default async function awardThroughput({ container }: ExecArgs) {
  const fixture = JSON.parse(fs.readFileSync(process.env.BENCH_FIXTURE_FILE as string, "utf8"))
  const customers = (process.env.BENCH_CUSTOMERS as string).split(",")
  const count = Number(process.env.BENCH_AWARD_ORDERS)
  const { commerce } = fixture
  const address = { first_name: "Erika", last_name: "Mustermann", address_1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country_code: "de" }

  const orderIds: string[] = []
  for (let i = 0; i < count; i++) {
    const { result } = await createOrderWorkflow(container).run({
      input: {
        region_id: commerce.regionId,
        sales_channel_id: commerce.salesChannelId,
        customer_id: customers[i % customers.length],
        email: `award-${i}@bench.test`,
        currency_code: "eur",
        shipping_address: address,
        billing_address: address,
        items: [{ variant_id: commerce.expensiveVariantId, title: "Loyalty Test Shirt", unit_price: 100, quantity: 1 }],
        shipping_methods: [{ name: "Standard", amount: commerce.shippingAmount, shipping_option_id: commerce.shippingOptionId }],
      },
    })
    orderIds.push(result.id)
  }

  // The subscriber as the store runs it: the installed plugin's own file. A require of the package's name
  // from this repository resolves to the repository itself (Node's self-reference), a second copy of the
  // plugin's workflows, which Medusa refuses to register when it differs from the installed build.
  const subscriberPath = path.join(process.cwd(), "node_modules", "medusa-plugin-loyalty-points", ".medusa", "server", "src", "subscribers", "order-placed.js")
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = require(subscriberPath).default as (args: unknown) => Promise<void>

  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
  const cpu = process.cpuUsage()
  const started = process.hrtime.bigint()
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < orderIds.length) {
        const id = orderIds[next++]
        await handler({ event: { name: "order.placed", data: { id } }, container, pluginOptions: {} })
      }
    })
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const used = process.cpuUsage(cpu)
  clearInterval(sampler)

  const query = container.resolve("query")
  const { data } = await query.graph({ entity: "order", fields: ["id"], filters: { id: orderIds } })
  const pg = container.resolve("__pg_connection__")
  const awarded = await pg.raw(
    "SELECT count(DISTINCT order_id)::int AS n FROM loyalty_entry WHERE order_id = ANY(?) AND type IN ('pending', 'earn') AND voided_at IS NULL",
    [orderIds]
  )
  const awardedCount = awarded.rows[0].n
  if (awardedCount !== orderIds.length || data.length !== orderIds.length) {
    throw new Error(`awarded ${awardedCount} of ${orderIds.length} orders`)
  }
  fs.writeFileSync(
    process.env.BENCH_RESULT as string,
    JSON.stringify({
      orders: orderIds.length,
      concurrency: CONCURRENCY,
      seconds,
      perSecond: orderIds.length / seconds,
      cpuMsPerEvent: (used.user + used.system) / 1000 / orderIds.length,
      rss: peakRss / 2 ** 20,
    })
  )
}
