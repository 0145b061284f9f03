/**
 * Seeds the demo store (run by demo/run.js as `medusa exec ./src/scripts/seed.ts`
 * inside demo/.store; this file is copied there): a year of a loyalty program.
 *
 * - catalog (Medusa's workflows): regions Europe (EUR) and United States
 *   (USD), tax regions, two warehouses with shipping options, 8 products
 * - the program (the plugin's workflows, as a merchant sets it up in the
 *   admin): Silver and Gold tiers, the referral program, two coupon rewards,
 *   a USD → EUR rate for the insights
 * - 200 members (auth identities with one password hash, customers through
 *   createCustomersWorkflow, linked as registration links them) in segments
 *   with structure: steady buyers, big spenders, buyers who lapse, one-off
 *   buyers, new and dormant members; plus guest checkouts
 * - ~500 orders over 12 months. Each basket's first kept order, every order
 *   paid partly with points (the plugin's apply-points workflow and checkout
 *   hooks) and every order with a coupon is a real Medusa checkout
 *   (completeCartWorkflow); the others are copied from those checkouts in bulk
 *   SQL (`cloneOrders`: every row of the order, new ids, customer and date),
 *   because checkout is not what the demo shows and 500 of them take minutes.
 *   Cancels (cancelOrderWorkflow) and refunds (capturePaymentWorkflow +
 *   refundPaymentWorkflow) go through Medusa on those orders.
 *
 * Every loyalty effect goes through the plugin's own workflows, replayed day
 * by day over the year: the sign-up bonus and the order points (the
 * `customer.created`, `order.placed`, `order.canceled` and `payment.refunded`
 * subscribers, paused for the run and called by the seed after the order is
 * backdated), referral claims, coupon purchases, feedback, and the daily jobs
 * every week with `now` = that day (release, expiry of points and coupons,
 * tiers, referrals), then the insights for today. Workflows stamp what they
 * write with the database clock; the seed's clock (`makeClock`) moves the
 * rows written during each simulated day to that day (the plugin's tables and
 * the Medusa rows a cancel, refund or coupon writes), so the ledger, the
 * charts and the KPIs read as a real year.
 */
import fs from "fs"
import path from "path"
import type { ExecArgs, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import {
  addShippingMethodToCartWorkflow,
  cancelOrderWorkflow,
  capturePaymentWorkflow,
  completeCartWorkflow,
  createCartWorkflow,
  createCustomersWorkflow,
  createInventoryLevelsWorkflow,
  createPaymentCollectionForCartWorkflow,
  createPaymentSessionsWorkflow,
  createProductCategoriesWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  refundPaymentWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
// The plugin is loaded in the loyalty part only: the Medusa part runs while
// the plugin is still building (demo/run.js), without it installed.
import type * as LoyaltyWorkflows from "medusa-plugin-loyalty-points/workflows"
import { cloneOrders, type Clone } from "./lib/clone-orders"
import { mulberry32 } from "./lib/random"
let loyaltyFlows: typeof LoyaltyWorkflows

// ---------------------------------------------------------------------------
// Demo identities (demo/run.js prints them; keep in sync with demo/lib/constants.js)

export const SHOPPER_EMAIL = "shopper@loyalty.demo"
export const SHOPPER_PASSWORD = "loyalty-demo"
/** Every other seeded member can log in with this password too. */
const MEMBER_PASSWORD = "loyalty-demo"
const SEED_MARKER = "loyalty_demo_seed"
/** store.metadata key of the Medusa part (catalog, members, template checkouts), read by the loyalty part */
const MEDUSA_PART_MARKER = "loyalty_demo_seed_medusa"
const SEED_VERSION = 2

const DAY = 24 * 60 * 60 * 1000
const HISTORY_DAYS = 365

// ---------------------------------------------------------------------------
// Deterministic randomness: the same store on every run (dates move with today)

const random = mulberry32(20251123)
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
const chance = (p: number) => random() < p

const progress = (message: string) => process.stdout.write(`[seed] ${message}\n`)

/**
 * Where the seed's time goes (printed at the end, for whoever makes it
 * faster): wall time and this process's CPU time per part. Parts that run
 * side by side in this process each count the CPU of the others meanwhile.
 */
const spent = new Map<string, { ms: number; cpu: number; queries: number }>()
const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
/** SQL statements sent through Medusa's connection (counted from the knex `query` event, see the default export) */
let queries = 0
function charge(label: string, ms: number, cpu: number, q = 0) {
  const before = spent.get(label) ?? { ms: 0, cpu: 0, queries: 0 }
  spent.set(label, { ms: before.ms + ms, cpu: before.cpu + cpu, queries: before.queries + q })
}
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now()
  const c = cpuNow()
  const q = queries
  try {
    return await fn()
  } finally {
    charge(label, Date.now() - t, cpuNow() - c, queries - q)
  }
}

// ---------------------------------------------------------------------------
// Catalog

const EU_COUNTRIES = [
  { code: "de", tax: 19, city: "Berlin", street: "Torstraße", postal: "10119" },
  { code: "fr", tax: 20, city: "Lyon", street: "Rue de la République", postal: "69002" },
  { code: "it", tax: 22, city: "Milano", street: "Via Torino", postal: "20123" },
  { code: "es", tax: 21, city: "Madrid", street: "Calle de Alcalá", postal: "28014" },
  { code: "nl", tax: 21, city: "Utrecht", street: "Oudegracht", postal: "3511 AB" },
  { code: "at", tax: 20, city: "Wien", street: "Mariahilfer Straße", postal: "1070" },
  { code: "be", tax: 21, city: "Gent", street: "Veldstraat", postal: "9000" },
] as const
const US_PLACES = [
  { city: "Portland", province: "us-or", street: "NW 23rd Ave", postal: "97210" },
  { city: "Austin", province: "us-tx", street: "South Congress Ave", postal: "78704" },
  { city: "Denver", province: "us-co", street: "Larimer St", postal: "80205" },
  { city: "Boston", province: "us-ma", street: "Newbury St", postal: "02116" },
] as const

type ProductSpec = {
  title: string
  handle: string
  category: string
  description: string
  option: string
  values: string[]
  eur: number
  usd: number
}

const PRODUCTS: ProductSpec[] = [
  { title: "Trail Running Shoes", handle: "trail-running-shoes", category: "Footwear", description: "Grippy, light and made for muddy trails.", option: "Size", values: ["41", "43", "45"], eur: 129, usd: 139 },
  { title: "Merino T-Shirt", handle: "merino-t-shirt", category: "Apparel", description: "Soft merino wool that stays fresh for days.", option: "Size", values: ["S", "M", "L"], eur: 49, usd: 55 },
  { title: "Rain Jacket", handle: "rain-jacket", category: "Apparel", description: "Waterproof, breathable, packs into its own pocket.", option: "Size", values: ["S", "M", "L"], eur: 189, usd: 199 },
  { title: "Wool Socks (3 pairs)", handle: "wool-socks", category: "Apparel", description: "Cushioned hiking socks.", option: "Size", values: ["36-40", "41-46"], eur: 19, usd: 22 },
  { title: "Daypack 20L", handle: "daypack-20l", category: "Gear", description: "A light pack for day hikes and the commute.", option: "Color", values: ["Moss", "Slate"], eur: 89, usd: 99 },
  { title: "Insulated Bottle", handle: "insulated-bottle", category: "Gear", description: "Keeps drinks cold for 24 hours, hot for 12.", option: "Color", values: ["Steel", "Sunset"], eur: 29, usd: 32 },
  { title: "Merino Beanie", handle: "merino-beanie", category: "Apparel", description: "Warm, itch-free, one size.", option: "Color", values: ["Charcoal", "Rust"], eur: 24, usd: 27 },
  { title: "Camp Stove", handle: "camp-stove", category: "Gear", description: "Boils a litre of water in three minutes.", option: "Model", values: ["Solo", "Duo"], eur: 249, usd: 269 },
]

type Variant = { id: string; eur: number; usd: number; expensive: boolean }

type Catalog = {
  salesChannelId: string
  regions: { eu: string; us: string }
  shipping: { eu: { standard: string; express: string }; us: { standard: string; express: string } }
  variants: Variant[]
}

async function setupCatalog(container: MedusaContainer): Promise<Catalog> {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const storeModule = container.resolve(Modules.STORE)
  const fulfillmentModule = container.resolve(Modules.FULFILLMENT)

  const [store] = await storeModule.listStores({}, { take: 1 })
  const salesChannelId = store.default_sales_channel_id as string

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        {
          name: "Europe",
          currency_code: "eur",
          countries: EU_COUNTRIES.map((c) => c.code),
          payment_providers: ["pp_system_default"],
        },
        {
          name: "United States",
          currency_code: "usd",
          countries: ["us"],
          payment_providers: ["pp_system_default"],
        },
      ],
    },
  })
  const eu = regions.find((r) => r.currency_code === "eur")!
  const us = regions.find((r) => r.currency_code === "usd")!

  await createTaxRegionsWorkflow(container).run({
    input: [
      ...EU_COUNTRIES.map((c) => ({
        country_code: c.code,
        provider_id: "tp_system",
        default_tax_rate: { rate: c.tax, code: `${c.code.toUpperCase()}-VAT`, name: `${c.code.toUpperCase()} VAT` },
      })),
      {
        country_code: "us",
        provider_id: "tp_system",
        default_tax_rate: { rate: 7, code: "US-SALES", name: "Sales tax" },
      },
    ],
  })

  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: "Trailhead Outfitters (loyalty demo)",
        supported_currencies: [
          { currency_code: "eur", is_default: true },
          { currency_code: "usd" },
        ],
        default_sales_channel_id: salesChannelId,
        default_region_id: eu.id,
      },
    },
  })

  let [shippingProfile] = await fulfillmentModule.listShippingProfiles({ type: "default" }, { take: 1 })
  if (!shippingProfile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
    })
    shippingProfile = result[0]
  }

  // Two warehouses, each serving its region
  const warehouses = [
    {
      key: "eu" as const,
      name: "Berlin warehouse",
      address: { address_1: "Lagerstraße 12", city: "Berlin", postal_code: "13355", country_code: "de" },
      zone: { name: "Europe", countries: EU_COUNTRIES.map((c) => c.code) },
      regionId: eu.id,
      currency: "eur",
      prices: { standard: 4.9, express: 12.9 },
    },
    {
      key: "us" as const,
      name: "New Jersey warehouse",
      address: { address_1: "200 Harbor Blvd", city: "Newark", postal_code: "07105", country_code: "us" },
      zone: { name: "United States", countries: ["us"] },
      regionId: us.id,
      currency: "usd",
      prices: { standard: 5.9, express: 14.9 },
    },
  ]

  const shipping = {} as Catalog["shipping"]
  const locationIds: string[] = []
  for (const warehouse of warehouses) {
    const {
      result: [location],
    } = await createStockLocationsWorkflow(container).run({
      input: { locations: [{ name: warehouse.name, address: warehouse.address }] },
    })
    locationIds.push(location.id)

    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
    })
    const fulfillmentSet = await fulfillmentModule.createFulfillmentSets({
      name: `${warehouse.name} shipping`,
      type: "shipping",
      service_zones: [
        {
          name: warehouse.zone.name,
          geo_zones: warehouse.zone.countries.map((country_code) => ({ country_code, type: "country" as const })),
        },
      ],
    })
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
    })
    await linkSalesChannelsToStockLocationWorkflow(container).run({
      input: { id: location.id, add: [salesChannelId] },
    })

    const { result: options } = await createShippingOptionsWorkflow(container).run({
      input: (["standard", "express"] as const).map((code) => ({
        name: code === "standard" ? "Standard shipping" : "Express shipping",
        price_type: "flat" as const,
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: shippingProfile.id,
        type: {
          label: code === "standard" ? "Standard" : "Express",
          description: code === "standard" ? "Ships in 2-4 days." : "Next business day.",
          code,
        },
        prices: [
          { currency_code: warehouse.currency, amount: warehouse.prices[code] },
          { region_id: warehouse.regionId, amount: warehouse.prices[code] },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" as const },
          { attribute: "is_return", value: "false", operator: "eq" as const },
        ],
      })),
    })
    shipping[warehouse.key] = {
      standard: options.find((o) => o.name === "Standard shipping")!.id,
      express: options.find((o) => o.name === "Express shipping")!.id,
    }
  }

  // Categories and products
  const categoryNames = [...new Set(PRODUCTS.map((p) => p.category))]
  const { result: categories } = await createProductCategoriesWorkflow(container).run({
    input: {
      product_categories: categoryNames.map((name) => ({
        name,
        handle: name.toLowerCase(),
        is_active: true,
      })),
    },
  })
  const categoryId = new Map(categories.map((c) => [c.name, c.id]))

  const { result: products } = await createProductsWorkflow(container).run({
    input: {
      products: PRODUCTS.map((p) => ({
        title: p.title,
        handle: p.handle,
        description: p.description,
        status: "published" as const,
        shipping_profile_id: shippingProfile.id,
        category_ids: [categoryId.get(p.category)!],
        options: [{ title: p.option, values: p.values }],
        variants: p.values.map((value) => ({
          title: value,
          sku: `${p.handle}-${value}`.toUpperCase().replace(/[^A-Z0-9]+/g, "-"),
          manage_inventory: true,
          options: { [p.option]: value },
          prices: [
            { currency_code: "eur", amount: p.eur },
            { currency_code: "usd", amount: p.usd },
          ],
        })),
        sales_channels: [{ id: salesChannelId }],
      })),
    },
  })

  const { data: variants } = await query.graph({
    entity: "product_variant",
    fields: ["id", "sku", "product_id", "inventory_items.inventory_item_id"],
    filters: { product_id: products.map((p) => p.id) },
  })
  // a stable order, so the same random draws pick the same products on every run
  variants.sort((a: any, b: any) => String(a.sku).localeCompare(String(b.sku)))
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: variants.flatMap((variant: any) =>
        (variant.inventory_items ?? []).flatMap((item: any) =>
          locationIds.map((location_id) => ({
            location_id,
            stocked_quantity: 100000,
            inventory_item_id: item.inventory_item_id,
          }))
        )
      ),
    },
  })

  const specByProduct = new Map(products.map((p) => [p.id, PRODUCTS.find((s) => s.handle === p.handle)!]))
  return {
    salesChannelId,
    regions: { eu: eu.id, us: us.id },
    shipping,
    variants: variants.map((v: any) => {
      const spec = specByProduct.get(v.product_id)!
      return { id: v.id, eur: spec.eur, usd: spec.usd, expensive: spec.eur >= 89 }
    }),
  }
}

// ---------------------------------------------------------------------------
// Customers

const FIRST_NAMES = [
  "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas",
  "Karla", "Luca", "Mila", "Noah", "Olivia", "Paul", "Quinn", "Rosa", "Samuel", "Tara",
  "Uma", "Victor", "Wanda", "Xavier", "Yara", "Zoe", "Amelie", "Bruno", "Chloé", "Dario",
]
const LAST_NAMES = [
  "Schneider", "Dubois", "Rossi", "García", "de Vries", "Huber", "Peeters", "Fischer",
  "Martin", "Bianchi", "López", "Jansen", "Wagner", "Lambert", "Moreau", "Costa",
  "Novak", "Keller", "Bauer", "Fontaine", "Smith", "Johnson", "Miller", "Brown",
]

type Segment = "shopper" | "big_spender" | "regular" | "lapsed" | "one_off" | "new" | "dormant"

type Member = {
  id?: string
  email: string
  first_name: string
  last_name: string
  segment: Segment
  region: "eu" | "us"
  country: string
  address: Record<string, string>
  /** days ago of each order this member will place */
  orderDays: number[]
  joinedDaysAgo: number
}

/**
 * `DEMO_SEED_SCALE` (0–1, default 1) shrinks every segment, e.g. 0.25 for a
 * quick CI store; each segment keeps at least one member.
 */
const SEED_SCALE = Math.min(1, Math.max(0.01, Number(process.env.DEMO_SEED_SCALE || 1)))

const SEGMENTS: { segment: Segment; count: number }[] = [
  { segment: "shopper", count: 1 },
  { segment: "big_spender", count: 10 },
  { segment: "regular", count: 50 },
  { segment: "lapsed", count: 35 },
  { segment: "one_off", count: 60 },
  { segment: "new", count: 24 },
  { segment: "dormant", count: 20 },
]

function spreadDays(count: number, from: number, to: number): number[] {
  // `count` order days between `from` and `to` days ago, roughly evenly spaced
  const days: number[] = []
  const span = (from - to) / count
  for (let i = 0; i < count; i++) {
    const start = from - i * span
    days.push(Math.max(to, Math.round(start - random() * span)))
  }
  return days
}

function planOrders(segment: Segment): number[] {
  switch (segment) {
    case "shopper":
      // a regular: monthly orders, the latest two still inside the return window
      return [...spreadDays(11, 350, 45), 18, 4]
    case "big_spender":
      return spreadDays(int(8, 11), 360, 2)
    case "regular":
      return spreadDays(int(3, 5), 360, 3)
    case "lapsed":
      return spreadDays(int(2, 3), 364, 190)
    case "one_off":
      return [int(1, 364)]
    case "new":
      return chance(0.5) ? [int(1, 25)] : []
    case "dormant":
      return []
  }
}

function addressFor(first_name: string, last_name: string, region: "eu" | "us", n: number): Record<string, string> {
  if (region === "eu") {
    const place = EU_COUNTRIES[n % EU_COUNTRIES.length]
    return {
      first_name,
      last_name,
      address_1: `${place.street} ${int(1, 180)}`,
      city: place.city,
      postal_code: place.postal,
      country_code: place.code,
    }
  }
  const place = US_PLACES[n % US_PLACES.length]
  return {
    first_name,
    last_name,
    address_1: `${int(10, 2400)} ${place.street}`,
    city: place.city,
    province: place.province,
    postal_code: place.postal,
    country_code: "us",
  }
}

function planMembers(): Member[] {
  const members: Member[] = []
  let n = 0
  for (const { segment, count: fullCount } of SEGMENTS) {
    const count = Math.max(1, Math.round(fullCount * SEED_SCALE))
    for (let i = 0; i < count; i++, n++) {
      const isShopper = segment === "shopper"
      const first_name = isShopper ? "Sam" : FIRST_NAMES[n % FIRST_NAMES.length]
      const last_name = isShopper ? "Shopper" : LAST_NAMES[(n * 7 + Math.floor(n / FIRST_NAMES.length)) % LAST_NAMES.length]
      const region = isShopper ? "eu" : chance(0.75) ? "eu" : "us"
      const address = addressFor(first_name, last_name, region, n)
      const orderDays = planOrders(segment).sort((a, b) => b - a)
      const firstOrder = orderDays.length ? orderDays[0] : segment === "new" ? int(1, 25) : int(30, 300)
      const email = isShopper
        ? SHOPPER_EMAIL
        : `${first_name}.${last_name}.${n}@example.com`
            .toLowerCase()
            .normalize("NFD")
            .replace(/[\u0300-\u036f]/g, "")
            .replace(/[^a-z0-9.@]/g, "")
      members.push({
        email,
        first_name,
        last_name,
        segment,
        region,
        country: address.country_code,
        address,
        orderDays,
        joinedDaysAgo: Math.min(HISTORY_DAYS + 30, firstOrder + int(0, 20)),
      })
    }
  }
  return members
}

// ---------------------------------------------------------------------------
// The plugin's subscribers, paused and driven by hand (see the header)

type Handler = (args: any) => Promise<void>

/** Events the seed delivers itself, at the simulated time; the others' work is done by the jobs. */
const DELIVERED_EVENTS = ["customer.created", "order.placed", "order.canceled", "payment.refunded"]

function takeOverPluginSubscribers(container: MedusaContainer) {
  const eventBus = container.resolve(Modules.EVENT_BUS) as any
  const pkg = require.resolve("medusa-plugin-loyalty-points/package.json")
  const dir = path.join(path.dirname(pkg), ".medusa", "server", "src", "subscribers")
  const handlers = new Map<string, Handler[]>()
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".js"))) {
    const mod = require(path.join(dir, file))
    const handler: Handler | undefined = mod.default
    const config = mod.config
    if (!handler || !config?.event) continue
    const events: string[] = Array.isArray(config.event) ? config.event : [config.event]
    // the id Medusa's SubscriberLoader registered it under
    const subscriberId: string = config.context?.subscriberId ?? path.parse(file).name
    for (const event of events) {
      // every plugin subscriber is paused: the asynchronous local event bus
      // would run them at "now", not at the order's date. Tier and referral
      // subscribers' work is done by their jobs, replayed with `now`.
      eventBus.unsubscribe(event, handler, { subscriberId })
      if (DELIVERED_EVENTS.includes(event)) handlers.set(event, [...(handlers.get(event) ?? []), handler])
    }
  }
  for (const event of ["order.placed", "customer.created"]) {
    if (!handlers.get(event)?.length) {
      throw new Error(`the plugin has no "${event}" subscriber in ${dir}; the seed expects one`)
    }
  }
  return async (name: string, data: Record<string, unknown>) => {
    for (const handler of handlers.get(name) ?? []) {
      await handler({ event: { name, data, metadata: {} }, container, pluginOptions: {} })
    }
  }
}

// ---------------------------------------------------------------------------
// The simulated clock: what a workflow writes now is moved to the day it
// happens in the history

/**
 * Tables whose rows the seed writes during the replay and whose time stamps
 * must read as the simulated day: every table of the plugin, and Medusa's
 * rows that a cancel, a capture, a refund or a coupon writes.
 */
const MEDUSA_STAMPED_TABLES = [
  "order_transaction",
  "order_change",
  "order_change_action",
  "order_credit_line",
  "capture",
  "refund",
  "promotion",
  "promotion_campaign",
  "promotion_campaign_budget",
  "promotion_application_method",
  "promotion_rule",
  "payment",
  "payment_collection",
  "order",
]
const STAMP_COLUMNS = ["created_at", "updated_at", "canceled_at", "captured_at", "completed_at", "claimed_at", "decided_at", "rewarded_at", "qualified_at", "used_at", "submitted_at"]

async function makeClock(pg: any) {
  const { rows } = await pg.raw(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type LIKE 'timestamp%'
        AND (table_name LIKE 'loyalty\\_%' OR table_name = ANY(?)) AND column_name = ANY(?)`,
    [MEDUSA_STAMPED_TABLES, STAMP_COLUMNS]
  )
  const byTable = new Map<string, string[]>()
  for (const row of rows) byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row.column_name])
  const clock = async () => (await pg.raw("SELECT clock_timestamp()::text AS t")).rows[0].t as string
  let mark = await clock()
  /**
   * Every stamp written since the last call (they are "now", later than any
   * day of the history) becomes `at` plus the real time elapsed since, so
   * their order is kept. One round trip: the statements go as one string
   * (literals: a timestamp from Postgres and one from Date#toISOString).
   */
  return async function stampSince(at: Date) {
    const next = await clock()
    const from = `'${mark}'::timestamptz`
    const to = `'${at.toISOString()}'::timestamptz`
    const statements: string[] = []
    for (const [table, columns] of byTable) {
      for (const column of columns) {
        statements.push(`UPDATE "${table}" SET "${column}" = ${to} + ("${column}" - ${from}) WHERE "${column}" >= ${from}`)
      }
    }
    await pg.raw(statements.join(";\n"))
    mark = next
  }
}

// ---------------------------------------------------------------------------
// Orders: a few real checkouts, the rest of the history copied from them in bulk

type Fate = "kept" | "canceled" | "refunded_partly" | "refunded_fully"

type PlannedOrder = {
  at: Date
  member?: Member
  guest?: { email: string; first_name: string; last_name: string; address: Record<string, string>; region: "eu" | "us"; id?: string }
  fate: Fate
  /** a basket: which real checkout this order copies (region, size, variant) */
  basket: string
  /** real checkout paying with points, or with a coupon bought earlier */
  pay?: "points" | "coupon"
  feedback?: number
  id?: string
}

/** Baskets per region and size: each costs one real checkout (a small seed, as in CI, makes do with one). */
const BASKETS_PER_SIZE = SEED_SCALE < 0.5 ? 1 : 2

function basketItems(catalog: Catalog, size: "small" | "medium" | "large", k: number) {
  // the same draws on every run: a private generator per basket
  const rand = mulberry32(1000 + k * 31 + (size === "small" ? 0 : size === "medium" ? 7 : 13))
  const count = size === "small" ? 1 : size === "medium" ? 2 : 3
  const pool = size === "large" ? catalog.variants.filter((v) => v.expensive) : size === "small" ? catalog.variants.filter((v) => !v.expensive) : catalog.variants
  const items = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const variant = pool[Math.floor(rand() * pool.length)]
    items.set(variant.id, (items.get(variant.id) ?? 0) + (size === "large" && rand() < 0.3 ? 2 : 1))
  }
  return [...items].map(([variant_id, quantity]) => ({ variant_id, quantity }))
}

function basketFor(region: "eu" | "us", segment: Segment | "guest"): string {
  const size =
    segment === "big_spender" ? (chance(0.7) ? "large" : "medium") : segment === "one_off" || segment === "guest" ? (chance(0.6) ? "small" : "medium") : pick(["small", "medium", "medium", "large"] as const)
  return `${region}:${size}:${int(0, BASKETS_PER_SIZE - 1)}`
}

/**
 * A Medusa checkout as the storefront does it: cart, shipping, payment
 * collection and session, complete. `points` go on the cart first (the
 * plugin's apply-points workflow) and a promo code with it, so the plugin's
 * checkout hooks debit them at completion.
 */
function checkout(...args: Parameters<typeof checkoutNow>): Promise<string> {
  return timed("real checkouts", () => checkoutNow(...args))
}

async function checkoutNow(
  container: MedusaContainer,
  catalog: Catalog,
  input: {
    region: "eu" | "us"
    customer_id: string
    email: string
    address: Record<string, string>
    items: { variant_id: string; quantity: number }[]
    promo_codes?: string[]
    points?: number
  }
): Promise<string> {
  const { result: cart } = await createCartWorkflow(container).run({
    input: {
      region_id: catalog.regions[input.region],
      sales_channel_id: catalog.salesChannelId,
      customer_id: input.customer_id,
      email: input.email,
      shipping_address: input.address,
      billing_address: input.address,
      items: input.items,
      ...(input.promo_codes ? { promo_codes: input.promo_codes } : {}),
    },
  })
  await addShippingMethodToCartWorkflow(container).run({
    input: { cart_id: cart.id, options: [{ id: catalog.shipping[input.region].standard }] },
  })
  if (input.points) {
    await loyaltyFlows.applyPointsToCartWorkflow(container).run({
      input: { cart_id: cart.id, customer_id: input.customer_id, points: input.points },
    })
  }
  const { result: paymentCollection } = await createPaymentCollectionForCartWorkflow(container).run({
    input: { cart_id: cart.id },
  })
  await createPaymentSessionsWorkflow(container).run({
    input: { payment_collection_id: (paymentCollection as any).id, provider_id: "pp_system_default" },
  })
  const { result } = await completeCartWorkflow(container).run({ input: { id: cart.id } })
  return (result as any).id as string
}

/** Points a shopper with `balance` can put on a basket worth `value` (program: min 500, steps of 100, half the order). */
function pointsFor(balance: number, value: number): number {
  const cap = Math.floor((value * 0.45) / 0.01)
  const points = Math.floor(Math.min(balance, cap) / 100) * 100
  return points >= 500 ? points : 0
}

/** What the Medusa part of the seed leaves for the loyalty part (store.metadata). */
type MedusaPart = {
  now: string
  catalog: Catalog
  /** customer id by email: members and guests */
  customers: Record<string, string>
  /** template order id by basket */
  templates: Record<string, string>
}

async function paymentOf(container: MedusaContainer, orderId: string) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["id", "payment_collections.payments.id", "payment_collections.payments.amount"],
    filters: { id: orderId },
  })
  const payment = (data[0] as any)?.payment_collections?.[0]?.payments?.[0]
  if (!payment) throw new Error(`order ${orderId} has no payment`)
  return { id: payment.id as string, amount: Number(payment.amount) }
}

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++])
    })
  )
}

// ---------------------------------------------------------------------------

const FEEDBACK_COMMENTS = [
  "Fast delivery, great quality.",
  "The jacket runs a bit small.",
  "Love collecting points on every order!",
  "Parcel arrived late, but support was helpful.",
  "Exactly as described.",
  null,
  null,
]

export default async function seedLoyaltyDemo({ container }: ExecArgs) {
  const started = Date.now()
  const storeModule = container.resolve(Modules.STORE)
  const regionModule = container.resolve(Modules.REGION)
  const authModule = container.resolve(Modules.AUTH)
  const customerModule = container.resolve(Modules.CUSTOMER)
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as any
  pg.on?.("query", () => queries++)
  /** "medusa": only the Medusa part (run.js runs it while the plugin builds); otherwise both parts */
  const onlyMedusa = process.env.DEMO_SEED_PART === "medusa"

  let [store] = await storeModule.listStores({}, { take: 1 })
  if ((store?.metadata as any)?.[SEED_MARKER]) {
    progress("the store is already seeded; nothing to do")
    return
  }
  if (!onlyMedusa && process.env.DEMO_SEED_AFTER_MEDUSA_PART && !(store?.metadata as any)?.[MEDUSA_PART_MARKER]) {
    // demo/run.js starts the loyalty part while the Medusa part is still
    // running, so that booting Medusa with the plugin (ts-node, modules) is
    // off the way to a ready store: wait here until the Medusa part is done
    // (run.js stops this process if the Medusa part fails).
    const waitStarted = Date.now()
    progress("booted; waiting for the Medusa part to finish…")
    while (!(store?.metadata as any)?.[MEDUSA_PART_MARKER]) {
      if (Date.now() - waitStarted > 15 * 60 * 1000) throw new Error("the Medusa part of the seed did not finish within 15 minutes")
      await new Promise((resolve) => setTimeout(resolve, 200))
      ;[store] = await storeModule.listStores({}, { take: 1 })
    }
    progress(`the Medusa part is done (waited ${((Date.now() - waitStarted) / 1000).toFixed(1)} s)`)
  }
  const medusaPart = (store?.metadata as any)?.[MEDUSA_PART_MARKER] as MedusaPart | undefined
  if (medusaPart && onlyMedusa) {
    progress("the Medusa part is seeded already")
    return
  }
  if (!medusaPart && (await regionModule.listRegions({ name: "Europe" }, { take: 1 })).length) {
    throw new Error(
      "this database already has demo data from an interrupted seed; start over with `npm run demo -- --reset`"
    )
  }

  // The plan, drawn from the seeded generator: the same in both parts (the
  // loyalty part takes the Medusa part's `now`), so the loyalty part finds
  // the members, guests and template orders the Medusa part made.
  const now = medusaPart ? new Date(medusaPart.now) : new Date()
  const historyStart = new Date(now.getTime() - HISTORY_DAYS * DAY)
  const dayStart = (daysAgo: number) => {
    const d = new Date(now.getTime() - daysAgo * DAY)
    d.setUTCHours(0, 0, 0, 0)
    return d
  }
  const members = planMembers()
  const joinedAt = new Map<Member, Date>()
  // Joins and orders are placed on the calendar (hours after a day's start), never counted back from the
  // clock: the same history whatever time of day the demo starts. Counted back from `now`, a join moved to
  // the day before when the demo started earlier in the day, and the seeded draws after it went another way
  // (seen: a fresh-clone run at 07:57 UTC had 4 coupon checkouts, one at 09:10 none).
  for (const m of members) joinedAt.set(m, new Date(dayStart(m.joinedDaysAgo).getTime() - int(1, 12) * 3600000))
  // -- every order, oldest first
  const planned: PlannedOrder[] = []
  const at = (daysAgo: number) => {
    const date = dayStart(daysAgo)
    date.setUTCHours(int(7, 21), int(0, 59), int(0, 59), 0)
    // drawn for every order, so that clamping today's orders to the past draws the same numbers at any hour
    const minutesBefore = int(5, 60)
    return date.getTime() > now.getTime() ? new Date(now.getTime() - minutesBefore * 60 * 1000) : date
  }
  for (const member of members) {
    member.orderDays.forEach((daysAgo, i) => {
      let fate: Fate = "kept"
      if (member.segment === "shopper") {
        // the shopper's history shows one canceled and one partly refunded order
        fate = i === 3 ? "canceled" : i === 6 ? "refunded_partly" : "kept"
      } else {
        const r = random()
        fate = r < 0.03 ? "canceled" : r < 0.06 ? "refunded_partly" : r < 0.075 ? "refunded_fully" : "kept"
      }
      planned.push({
        at: at(daysAgo),
        member,
        fate,
        basket: basketFor(member.region, member.segment),
        feedback: chance(0.15) ? pick([5, 5, 4, 4, 4, 3, 2, 1]) : undefined,
      })
    })
  }
  const guests = Math.max(1, Math.round(20 * SEED_SCALE))
  for (let g = 0; g < guests; g++) {
    const region = chance(0.75) ? "eu" : "us"
    const first_name = pick(FIRST_NAMES)
    const last_name = pick(LAST_NAMES)
    planned.push({
      at: at(int(1, 364)),
      guest: { email: `guest.${g}@example.org`, first_name, last_name, address: addressFor(first_name, last_name, region, g), region },
      fate: chance(0.05) ? "canceled" : "kept",
      basket: basketFor(region, "guest"),
    })
  }
  planned.sort((a, b) => a.at.getTime() - b.at.getTime())


  // one real checkout per basket (its first order that is kept): the templates the other orders copy
  const templateOrders: PlannedOrder[] = []
  for (const order of planned) {
    if (order.fate === "kept" && !templateOrders.some((t) => t.basket === order.basket)) templateOrders.push(order)
  }

  let catalog: Catalog
  if (!medusaPart) {
    // -- the Medusa part: catalog, members, guests and the template checkouts
    progress("catalog: regions, taxes, warehouses, shipping, products…")
    catalog = await timed("catalog", () => setupCatalog(container))
    progress(`catalog: 2 regions, ${PRODUCTS.length} products, ${catalog.variants.length} variants`)

    // members: accounts as registration makes them, in bulk
    const membersStarted = Date.now()
    const membersCpu = cpuNow()
    const first = await authModule.register("emailpass", {
      body: { email: members[0].email, password: SHOPPER_PASSWORD },
    } as any)
    if (!first.success || !first.authIdentity) throw new Error(`registering ${members[0].email} failed: ${first.error}`)
    const [firstProvider] = await authModule.listProviderIdentities({ auth_identity_id: first.authIdentity.id } as any)
    // the same password for every member: hash it once (scrypt is the slow part)
    const passwordHash = (firstProvider as any).provider_metadata
    const identities = [first.authIdentity, ...(await authModule.createAuthIdentities(
      members.slice(1).map((m) => ({
        provider_identities: [{ provider: "emailpass", entity_id: m.email, provider_metadata: passwordHash }],
      })) as any
    ))] as any[]
    const { result: customers } = await createCustomersWorkflow(container).run({
      input: {
        customersData: members.map((m) => ({
          email: m.email,
          first_name: m.first_name,
          last_name: m.last_name,
          has_account: true,
          addresses: [{ ...m.address, address_name: "Home", is_default_shipping: true, is_default_billing: true }],
        })),
      },
    })
    const customerByEmail = new Map(customers.map((c: any) => [c.email, c.id]))
    members.forEach((m) => (m.id = customerByEmail.get(m.email)))
    await authModule.updateAuthIdentities(
      identities.map((identity, i) => ({ id: identity.id, app_metadata: { customer_id: members[i].id } })) as any
    )
    // a member's account is as old as their history
    await pg.raw(
      `UPDATE customer c SET created_at = x.at, updated_at = x.at FROM jsonb_to_recordset(?::jsonb) AS x(id text, at timestamptz) WHERE c.id = x.id`,
      [JSON.stringify(members.map((m) => ({ id: m.id, at: joinedAt.get(m) })))]
    )
    charge("members", Date.now() - membersStarted, cpuNow() - membersCpu)
    progress(`customers: ${members.length} members registered`)

    // guests check out without an account: Medusa makes a customer without one
    if (planned.some((o) => o.guest)) {
      const guestCustomers = await customerModule.createCustomers(
        planned.filter((o) => o.guest).map((o) => ({ email: o.guest!.email, first_name: o.guest!.first_name, last_name: o.guest!.last_name, has_account: false }))
      )
      const byEmail = new Map(guestCustomers.map((c: any) => [c.email, c.id]))
      for (const o of planned) if (o.guest) o.guest.id = byEmail.get(o.guest.email)
    }

    // the templates, placed up front three at a time and dated
    progress(`templates: ${templateOrders.length} real checkouts, one per basket…`)
    await inParallel(templateOrders, 3, async (order) => {
      const [region, size, k] = order.basket.split(":") as ["eu" | "us", "small" | "medium" | "large", string]
      const who = order.member ?? order.guest!
      order.id = await checkout(container, catalog, {
        region,
        customer_id: order.member ? order.member.id! : order.guest!.id!,
        email: who.email,
        address: order.member?.address ?? order.guest!.address,
        items: basketItems(catalog, size, Number(k)),
      })
      await pg.raw(`UPDATE "order" SET created_at = ?, updated_at = ? WHERE id = ?`, [order.at, order.at, order.id])
    })
    const part: MedusaPart = {
      now: now.toISOString(),
      catalog,
      customers: Object.fromEntries([
        ...members.map((m) => [m.email, m.id!]),
        ...planned.filter((o) => o.guest).map((o) => [o.guest!.email, o.guest!.id!]),
      ]),
      templates: Object.fromEntries(templateOrders.map((o) => [o.basket, o.id!])),
    }
    await updateStoresWorkflow(container).run({
      input: { selector: { id: store.id }, update: { metadata: { ...(store.metadata ?? {}), [MEDUSA_PART_MARKER]: part } } },
    })
    store.metadata = { ...(store.metadata ?? {}), [MEDUSA_PART_MARKER]: part }
    if (onlyMedusa) {
      progress(`Medusa part done in ${Math.round((Date.now() - started) / 1000)} s (CPU ${(cpuNow() / 1000).toFixed(1)} s)`)
      return
    }
  } else {
    catalog = medusaPart.catalog
    for (const m of members) m.id = medusaPart.customers[m.email]
    for (const o of planned) if (o.guest) o.guest.id = medusaPart.customers[o.guest.email]
    for (const o of templateOrders) o.id = medusaPart.templates[o.basket]
    const missing = [...members.filter((m) => !m.id).map((m) => m.email), ...templateOrders.filter((o) => !o.id).map((o) => o.basket)]
    if (missing.length) throw new Error(`the Medusa part of the seed does not match this plan (${missing.slice(0, 3).join(", ")}…); start over with --reset`)
    progress(`using the Medusa part seeded at ${medusaPart.now}: catalog, ${members.length} members, ${templateOrders.length} template checkouts`)
  }
  const templates = new Map(templateOrders.map((o) => [o.basket, o.id!]))
  const templateMembers = new Set(templateOrders.map((o) => o.member?.id).filter(Boolean))

  // -- the loyalty part: the plugin's workflows from here on
  loyaltyFlows = await import("medusa-plugin-loyalty-points/workflows")
  const {
    adjustPointsWorkflow,
    claimReferralWorkflow,
    createLoyaltyActionWorkflow,
    createRewardWorkflow,
    createTierWorkflow,
    ensureReferralCodeWorkflow,
    evaluateReferralsWorkflow,
    evaluateTiersWorkflow,
    expireCouponsWorkflow,
    expirePointsWorkflow,
    purchaseCouponWorkflow,
    recomputeInsightsWorkflow,
    releaseOrderPointsWorkflow,
    releasePendingPointsWorkflow,
    submitFeedbackWorkflow,
    updateInsightSettingsWorkflow,
    updateReferralProgramWorkflow,
  } = loyaltyFlows
  const loyalty = container.resolve("loyalty_points") as any
  const deliver = takeOverPluginSubscribers(container)

  // -- the program, as a merchant sets it up in the admin (plugin workflows)
  await createTierWorkflow(container).run({
    input: { name: "Silver", metric: "points", threshold: 300, earn_multiplier: 1.25, perks: "25 % more points on every order" },
  })
  await createTierWorkflow(container).run({
    input: { name: "Gold", metric: "points", threshold: 1200, earn_multiplier: 1.5, perks: "50 % more points, free express shipping" },
  })
  await updateReferralProgramWorkflow(container).run({
    input: {
      changes: { enabled: true, referrer_points: 300, referee_points: 200, min_order_amounts: { eur: 30, usd: 30 } },
      actor_id: null,
    },
  })
  const rewards: { id: string; cost: number }[] = []
  for (const reward of [
    { name: "5 € / $5 off", kind: "fixed_amount" as const, amounts: { eur: 5, usd: 5 }, points_cost: 500, valid_days: 60 },
    { name: "10 % off your next order", kind: "percentage" as const, percentage: 10, points_cost: 900, valid_days: 30 },
  ]) {
    const { result } = await createRewardWorkflow(container).run({ input: reward as any })
    rewards.push({ id: (result as any).id, cost: reward.points_cost })
  }
  // actions that earn (member care): birthdays, anniversaries, reviews and a custom one
  for (const action of [
    { code: "birthday", name: "Happy birthday", points: 200 },
    { code: "anniversary", name: "Member anniversary", points: 100 },
    { code: "first_order", name: "First order bonus", points: 150 },
    { code: "review", name: "Product review", points: 30, limit_count: 3, limit_period: "month" as const },
    { code: "newsletter", name: "Newsletter sign-up", points: 50, limit_count: 1, limit_period: "lifetime" as const },
  ]) {
    await createLoyaltyActionWorkflow(container).run({ input: action })
  }
  // USD orders count in the EUR figures at this rate
  await updateInsightSettingsWorkflow(container).run({
    input: { changes: { currency_rates: { usd: 0.92 } } as any, actor_id: null },
  })

  // -- the year, day by day: orders, then the plugin's daily jobs every week
  const stampSince = await makeClock(pg)
  await stampSince(new Date(historyStart.getTime() - 2 * DAY)) // the program's setup
  const counts = { orders: 0, guest: 0, canceled: 0, refunded_partly: 0, refunded_fully: 0, points_paid: 0, coupons_bought: 0, coupons_used: 0, referrals: 0, feedback: 0 }
  const joined = [...members].sort((a, b) => joinedAt.get(a)!.getTime() - joinedAt.get(b)!.getTime())
  const referrers = members.filter((m) => m.segment === "big_spender" || m.segment === "regular" || m.segment === "shopper")
  const coupons = new Map<string, { code: string; expires: Date }[]>() // customer → unused coupons
  let shopperHasBought = false
  let cloneN = 0
  const ordersStarted = Date.now()
  let joinIndex = 0
  let orderIndex = 0
  const balanceOf = async (customerId: string) => (await loyalty.listAccounts({ customer_id: customerId }, { take: 1 }))[0]?.balance ?? 0

  for (let daysAgo = HISTORY_DAYS + 31; daysAgo >= 0; daysAgo--) {
    const day = dayStart(daysAgo)
    const dayEnd = daysAgo === 0 ? now : new Date(day.getTime() + DAY)

    // members who join today: the sign-up bonus, and some were referred
    const joinedBefore = joinIndex
    while (joinIndex < joined.length && joinedAt.get(joined[joinIndex])!.getTime() < dayEnd.getTime()) {
      const member = joined[joinIndex++]
      await deliver("customer.created", { id: member.id })
      // (a member whose first order is a template has it already: not referred)
      if (member.segment !== "shopper" && member.segment !== "big_spender" && !templateMembers.has(member.id) && chance(0.22)) {
        const referrer = pick(referrers)
        if (referrer !== member && joinedAt.get(referrer)!.getTime() < joinedAt.get(member)!.getTime()) {
          const { result } = await ensureReferralCodeWorkflow(container).run({ input: { customer_id: referrer.id! } })
          try {
            await claimReferralWorkflow(container).run({
              input: { customer_id: member.id!, code: (result as any).code, now: new Date(joinedAt.get(member)!.getTime() + 3600000) },
            })
            counts.referrals++
          } catch (error) {
            progress(`note: referral claim refused: ${(error as Error).message}`)
          }
        }
      }
    }

    const joinedToday = joinIndex > joinedBefore

    // today's orders
    const today: PlannedOrder[] = []
    while (orderIndex < planned.length && planned[orderIndex].at.getTime() < dayEnd.getTime()) today.push(planned[orderIndex++])
    const plain: Clone[] = []
    for (const order of today) {
      if (order.id) continue // a template, placed up front
      const member = order.member
      const [region, size, k] = order.basket.split(":") as ["eu" | "us", "small" | "medium" | "large", string]
      const items = basketItems(catalog, size, Number(k))
      const who = order.member ?? order.guest!
      const customerId = order.member ? order.member.id! : order.guest!.id!
      try {
        if (member && order.fate === "kept" && member.segment !== "one_off") {
          const unused = (coupons.get(member.id!) ?? []).filter((c) => c.expires.getTime() > order.at.getTime() + DAY)
          const wantsPoints = chance(member.segment === "shopper" ? 0.4 : member.segment === "big_spender" ? 0.25 : 0.08)
          // The shopper always spends a coupon they hold (the demo's history shows one used, whatever the date).
          if (unused.length && (member.segment === "shopper" || chance(0.7))) {
            const coupon = unused[0]
            coupons.set(member.id!, (coupons.get(member.id!) ?? []).filter((c) => c !== coupon))
            // Medusa checks the coupon's campaign dates against the real clock,
            // and this campaign ran in the history: open it for the checkout
            const { rows: campaigns } = await pg.raw(
              `SELECT c.id, c.starts_at, c.ends_at FROM promotion p JOIN promotion_campaign c ON c.id = p.campaign_id WHERE p.code = ? AND p.deleted_at IS NULL`,
              [coupon.code]
            )
            for (const campaign of campaigns) {
              await pg.raw(`UPDATE promotion_campaign SET starts_at = NULL, ends_at = NULL WHERE id = ?`, [campaign.id])
            }
            // the checkout refuses a coupon past its date on the real clock too: open it the same way
            const { rows: couponRows } = await pg.raw(`SELECT id, expires_at FROM loyalty_coupon WHERE code = ?`, [coupon.code])
            for (const row of couponRows) {
              await pg.raw(`UPDATE loyalty_coupon SET expires_at = ? WHERE id = ?`, [new Date(Date.now() + 365 * DAY), row.id])
            }
            try {
              order.id = await checkout(container, catalog, {
                region, customer_id: member.id!, email: member.email, address: member.address, items, promo_codes: [coupon.code],
              })
            } finally {
              for (const campaign of campaigns) {
                await pg.raw(`UPDATE promotion_campaign SET starts_at = ?, ends_at = ? WHERE id = ?`, [campaign.starts_at, campaign.ends_at, campaign.id])
              }
              for (const row of couponRows) {
                await pg.raw(`UPDATE loyalty_coupon SET expires_at = ? WHERE id = ?`, [row.expires_at, row.id])
              }
            }
            order.pay = "coupon"
            counts.coupons_used++
          } else if (wantsPoints) {
            const value = items.reduce((sum, item) => {
              const v = catalog.variants.find((x) => x.id === item.variant_id)!
              return sum + item.quantity * (region === "eu" ? v.eur : v.usd)
            }, 0)
            const points = pointsFor(await balanceOf(member.id!), value)
            if (points) {
              order.id = await checkout(container, catalog, { region, customer_id: member.id!, email: member.email, address: member.address, items, points })
              order.pay = "points"
              counts.points_paid++
            }
          }
        }
        if (!order.id && !templates.has(order.basket)) {
          // a basket whose only orders are canceled or refunded
          order.id = await checkout(container, catalog, { region, customer_id: customerId, email: who.email, address: member?.address ?? order.guest!.address, items })
        }
      } catch (error) {
        progress(`note: a checkout failed (${(error as Error).message}); that order is copied instead`)
        order.id = undefined
        order.pay = undefined
      }
      if (order.id) {
        await pg.raw(`UPDATE "order" SET created_at = ?, updated_at = ? WHERE id = ?`, [order.at, order.at, order.id])
        continue
      }
      order.id = `order_demo${String(++cloneN).padStart(5, "0")}`
      plain.push({
        n: cloneN,
        template: templates.get(order.basket) ?? [...templates.values()][0],
        id: order.id,
        customer_id: customerId,
        email: who.email,
        at: order.at,
        first_name: who.first_name,
        last_name: who.last_name,
      })
    }
    await timed("copy orders (SQL)", () => cloneOrders(pg, plain))

    // the plugin awards each order, then cancels and refunds take points back
    await timed("loyalty effects of orders", () => inParallel(today, 4, async (order) => {
      await deliver("order.placed", { id: order.id })
      counts.orders++
      if (order.guest) counts.guest++
      if (order.fate === "canceled") {
        await cancelOrderWorkflow(container).run({ input: { order_id: order.id! } })
        await deliver("order.canceled", { id: order.id })
        counts.canceled++
      } else if (order.fate === "refunded_partly" || order.fate === "refunded_fully") {
        const payment = await paymentOf(container, order.id!)
        await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
        const amount = order.fate === "refunded_fully" ? payment.amount : Math.round(payment.amount * (0.2 + random() * 0.3) * 100) / 100
        await refundPaymentWorkflow(container).run({
          input: { payment_id: payment.id, amount, note: order.fate === "refunded_fully" ? "Returned in full" : "Item returned" },
        })
        await deliver("payment.refunded", { id: payment.id })
        counts[order.fate]++
      }
      if (order.member && order.feedback && order.fate === "kept") {
        await submitFeedbackWorkflow(container).run({
          input: { customer_id: order.member.id!, order_id: order.id!, score: order.feedback, comment: pick(FEEDBACK_COMMENTS) },
        })
        counts.feedback++
      }
    }))

    // members with points to spare buy a coupon now and then
    for (const order of today) {
      const member = order.member
      // The shopper buys their first coupon as soon as they can afford one, the cheapest, which is valid the
      // longest (60 days: their next monthly order spends it); everyone else now and then, the dearest they can.
      const eager = member?.segment === "shopper" && !shopperHasBought
      if (!member || order.fate !== "kept" || member.segment === "one_off" || !(eager || chance(0.25))) continue
      const balance = await balanceOf(member.id!)
      const reward = eager ? rewards.find((r) => r.cost <= balance - 200) : [...rewards].reverse().find((r) => r.cost <= balance - 200)
      if (!reward) continue
      try {
        const { result } = await timed("coupons", () => purchaseCouponWorkflow(container).run({
          input: {
            customer_id: member.id!,
            reward_id: reward.id,
            currency_code: member.region === "eu" ? "eur" : "usd",
            idempotency_key: `demo-coupon-${order.id}`,
            now: new Date(day.getTime() + 20 * 3600000),
          },
        }))
        const coupon = (result as any).coupon
        coupons.set(member.id!, [...(coupons.get(member.id!) ?? []), { code: coupon.code, expires: new Date(coupon.expires_at ?? now) }])
        if (member.segment === "shopper") shopperHasBought = true
        counts.coupons_bought++
      } catch (error) {
        progress(`note: coupon not bought: ${(error as Error).message}`)
      }
    }
    if (today.length || joinedToday) await timed("clock", () => stampSince(new Date(day.getTime() + 12 * 3600000)))

    // the daily jobs, replayed weekly (and today): release, expire, tiers, referrals
    if (daysAgo % 7 === 0) {
      const jobAt = daysAgo === 0 ? now : new Date(dayEnd.getTime() - 3600000)
      await timed("jobs: release", async () => {
        // The orders due for release, each through the plugin's own
        // releaseOrderPointsWorkflow with the job's `now` (what the release
        // job runs per order), four customers at a time: the job itself goes
        // through them one by one, waiting on the database after each. Each
        // customer's orders stay in their order. The job then runs as usual
        // (catching up missed awards; nothing is left for it to release).
        const due: { order_id: string; customer_id: string }[] = []
        // The release queue, a keyset page at a time ({ items, next }).
        for (let after: unknown = null; ; ) {
          const page: { items: { order_id: string; customer_id: string }[]; next: unknown } = await loyalty.listDueReleases(jobAt, after, 1000)
          due.push(...page.items)
          if (!page.next) break
          after = page.next
        }
        const byCustomer = new Map<string, { order_id: string; customer_id: string }[]>()
        for (const row of due) byCustomer.set(row.customer_id, [...(byCustomer.get(row.customer_id) ?? []), row])
        await inParallel([...byCustomer.values()], 4, async (rows) => {
          for (const row of rows) {
            try {
              await releaseOrderPointsWorkflow(container).run({ input: { order_id: row.order_id, customer_id: row.customer_id, now: jobAt } })
            } catch (error) {
              // as the job does: logged, and left to the job (below) to try again
              progress(`note: releasing order ${row.order_id} failed (${(error as Error).message}); the release job tries it again`)
              break // this customer's later orders wait for the job too, in their order
            }
          }
        })
        await releasePendingPointsWorkflow(container).run({ input: { now: jobAt } })
      })
      await timed("jobs: expire", () => expirePointsWorkflow(container).run({ input: { now: jobAt } }))
      await timed("jobs: coupons", () => expireCouponsWorkflow(container).run({ input: { now: jobAt } }))
      if (daysAgo % 14 === 0) {
        await timed("jobs: tiers", () => evaluateTiersWorkflow(container).run({ input: { now: jobAt } }))
      }
      if (counts.referrals && daysAgo % 14 === 0) await timed("jobs: referrals", () => evaluateReferralsWorkflow(container).run({ input: { now: jobAt } }))
      await stampSince(jobAt)
    }

    if (today.length && (counts.orders % 50 < today.length || orderIndex === planned.length)) {
      const elapsed = (Date.now() - ordersStarted) / 1000
      const left = ((planned.length - counts.orders) * elapsed) / Math.max(1, counts.orders)
      progress(
        `orders: ${counts.orders}/${planned.length} (history up to ${day.toISOString().slice(0, 10)}, ~${Math.round(left)} s left)`
      )
    }
  }

  await pg.raw(`DROP TABLE IF EXISTS demo_clone`)

  // -- today: a goodwill adjustment for the shopper, and the insights
  const shopper = members.find((m) => m.segment === "shopper")!
  await adjustPointsWorkflow(container).run({
    input: {
      customer_id: shopper.id!,
      points: 250,
      reason: "Goodwill: parcel arrived late",
      actor_id: "loyalty-demo-seed",
      idempotency_key: "loyalty-demo-goodwill",
    },
  })
  progress("insights: computing segments, churn risk and KPIs…")
  await timed("insights", () => recomputeInsightsWorkflow(container).run({ input: { now: new Date() } }))

  const [account] = await loyalty.listAccounts({ customer_id: shopper.id! }, { take: 1 })
  if (!account || !(account.balance > 0)) {
    throw new Error(`the shopper ended with no points (${JSON.stringify(account)}); the seed is broken`)
  }

  const summary = { members: members.length, ...counts }
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        metadata: {
          ...(store.metadata ?? {}),
          [SEED_MARKER]: { version: SEED_VERSION, seeded_at: new Date().toISOString(), scale: SEED_SCALE, counts: summary },
        },
      },
    },
  })

  const [, entryCount] = await loyalty.listAndCountEntries({}, { take: 1 })
  progress(
    `done in ${Math.round((Date.now() - started) / 1000)} s: ${members.length} members ` +
      `(${SEGMENTS.map((s) => `${s.count} ${s.segment.replace("_", "-")}`).join(", ")}), ` +
      `${counts.orders} orders over 12 months (${counts.guest} by guests, ${counts.canceled} canceled, ` +
      `${counts.refunded_partly} partly and ${counts.refunded_fully} fully refunded, ${counts.points_paid} paid partly with points, ` +
      `${counts.coupons_used} with a coupon), ${counts.coupons_bought} coupons bought, ${counts.referrals} referrals, ` +
      `${counts.feedback} feedback, ${entryCount} ledger entries`
  )
  progress(
    `time (wall / this process's CPU): ${[...spent]
      .map(([label, { ms, cpu, queries: q }]) => `${label} ${(ms / 1000).toFixed(1)} / ${(cpu / 1000).toFixed(1)} s (${q} queries)`)
      .join(", ")}; total CPU ${(cpuNow() / 1000).toFixed(1)} s, ${queries} queries`
  )
  progress(
    `shopper ${SHOPPER_EMAIL}: balance ${account.balance}, pending ${account.pending}, ` +
      `lifetime earned ${account.lifetime_earned}`
  )
}
