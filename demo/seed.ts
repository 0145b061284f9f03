/**
 * Seeds the demo store (run by demo/run.js as `medusa exec ./src/scripts/seed.ts`
 * inside demo/.store; this file is copied there).
 *
 * Everything goes through Medusa's workflows and module services, the way the
 * admin and a storefront would write it:
 *
 * - catalog: regions Europe (EUR) and United States (USD), tax regions, two
 *   warehouses with shipping options, 8 products with EUR and USD prices
 * - 200 registered customers (auth identity + createCustomerAccountWorkflow,
 *   as `POST /store/customers` after `/auth/customer/emailpass/register` does),
 *   in segments: big spenders, regulars, lapsed, one-off buyers, new, dormant;
 *   plus guest checkouts (no account, no points)
 * - 12 months of orders: carts completed with completeCartWorkflow and the
 *   system payment provider, some canceled (cancelOrderWorkflow), some
 *   captured and (partly) refunded (capturePaymentWorkflow + refundPaymentWorkflow)
 *
 * History: Medusa stamps an order with the time it is placed. To spread the
 * orders over the last 12 months, each order's `created_at` is moved back with
 * the order module's `updateOrders` right after it is placed. Because the
 * plugin reads `created_at` when it awards points (the return window starts
 * there), the plugin's `customer.created`, `order.placed`, `order.canceled` and
 * `payment.refunded` subscribers are paused for the run and the seed delivers
 * those events to the very same subscriber functions itself, after
 * backdating, and waits for each one: the history is the same on every run,
 * with no race against the asynchronous local event bus. The plugin's daily
 * job is replayed week by week over the history (`releasePendingPointsWorkflow`
 * with `now` = that week), and once more for today at the end, so points of
 * orders past their 30-day window are available (each week's release sets its
 * own expiry date) and the last month's are still pending.
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
  createCustomerAccountWorkflow,
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
import {
  adjustPointsWorkflow,
  releasePendingPointsWorkflow,
} from "medusa-plugin-loyalty-points/workflows"

// ---------------------------------------------------------------------------
// Demo identities (demo/run.js prints them; keep in sync with demo/lib/constants.js)

export const SHOPPER_EMAIL = "shopper@loyalty.demo"
export const SHOPPER_PASSWORD = "loyalty-demo"
/** Every other seeded member can log in with this password too. */
const MEMBER_PASSWORD = "loyalty-demo"
const SEED_MARKER = "loyalty_demo_seed"
const SEED_VERSION = 1

const DAY = 24 * 60 * 60 * 1000
const HISTORY_DAYS = 365

// ---------------------------------------------------------------------------
// Deterministic randomness: the same store on every run (dates move with today)

function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = mulberry32(20251123)
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
const chance = (p: number) => random() < p

const progress = (message: string) => process.stdout.write(`[seed] ${message}\n`)

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
      if (!DELIVERED_EVENTS.includes(event)) continue
      eventBus.unsubscribe(event, handler, { subscriberId })
      handlers.set(event, [...(handlers.get(event) ?? []), handler])
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
// Orders

type PlannedOrder = {
  at: Date
  member?: Member
  guest?: { email: string; address: Record<string, string>; region: "eu" | "us" }
  fate: "kept" | "canceled" | "refunded_partly" | "refunded_fully"
}

function pickItems(catalog: Catalog, segment: Segment | "guest") {
  const count =
    segment === "big_spender" ? int(2, 4) : segment === "one_off" || segment === "guest" ? int(1, 2) : int(1, 3)
  const items = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const pool =
      segment === "big_spender" && chance(0.7) ? catalog.variants.filter((v) => v.expensive) : catalog.variants
    const variant = pick(pool)
    items.set(variant.id, (items.get(variant.id) ?? 0) + (segment === "big_spender" && chance(0.3) ? 2 : 1))
  }
  return [...items].map(([variant_id, quantity]) => ({ variant_id, quantity }))
}

async function placeOrder(
  container: MedusaContainer,
  catalog: Catalog,
  planned: PlannedOrder
): Promise<string> {
  const region = planned.member?.region ?? planned.guest!.region
  const address = planned.member?.address ?? planned.guest!.address
  const segment = planned.member?.segment ?? "guest"

  const { result: cart } = await createCartWorkflow(container).run({
    input: {
      region_id: catalog.regions[region],
      sales_channel_id: catalog.salesChannelId,
      ...(planned.member ? { customer_id: planned.member.id } : {}),
      email: planned.member?.email ?? planned.guest!.email,
      shipping_address: address,
      billing_address: address,
      items: pickItems(catalog, segment),
    },
  })
  await addShippingMethodToCartWorkflow(container).run({
    input: {
      cart_id: cart.id,
      options: [{ id: catalog.shipping[region][chance(0.2) ? "express" : "standard"] }],
    },
  })
  const { result: paymentCollection } = await createPaymentCollectionForCartWorkflow(container).run({
    input: { cart_id: cart.id },
  })
  await createPaymentSessionsWorkflow(container).run({
    input: { payment_collection_id: (paymentCollection as any).id, provider_id: "pp_system_default" },
  })
  const { result } = await completeCartWorkflow(container).run({ input: { id: cart.id } })
  const orderId = (result as any).id as string

  await backdateOrder(container, orderId, planned.at)
  return orderId
}

let backdateWithSql = false
let backdateVerified = false

/**
 * Moves an order's `created_at` into the past. The order module's updateOrders
 * does this (the field is not in its input type, but it is a plain column of
 * the entity). Should a Medusa version ignore it, the fallback is the one raw
 * SQL write of this seed: `UPDATE "order" SET created_at` for that order only.
 */
async function backdateOrder(container: MedusaContainer, orderId: string, at: Date): Promise<void> {
  const orderModule = container.resolve(Modules.ORDER)
  if (backdateWithSql) {
    const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as any
    await pg.raw(`UPDATE "order" SET created_at = ? WHERE id = ?`, [at, orderId])
  } else {
    await orderModule.updateOrders([{ id: orderId, created_at: at } as any])
  }
  if (backdateVerified) return

  // the first order shows whether it took
  const [order] = await orderModule.listOrders({ id: orderId }, { select: ["id", "created_at"] })
  if (Math.abs(new Date(order.created_at as any).getTime() - at.getTime()) <= 1000) {
    backdateVerified = true
    return
  }
  if (backdateWithSql) throw new Error(`order ${orderId} could not be backdated`)
  backdateWithSql = true
  progress("note: updateOrders ignored created_at; backdating orders with SQL instead")
  return backdateOrder(container, orderId, at)
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

// ---------------------------------------------------------------------------

export default async function seedLoyaltyDemo({ container }: ExecArgs) {
  const started = Date.now()
  const storeModule = container.resolve(Modules.STORE)
  const regionModule = container.resolve(Modules.REGION)
  const authModule = container.resolve(Modules.AUTH)
  const customerModule = container.resolve(Modules.CUSTOMER)
  const loyalty = container.resolve("loyalty_points") as any

  const [store] = await storeModule.listStores({}, { take: 1 })
  if ((store?.metadata as any)?.[SEED_MARKER]) {
    progress("the store is already seeded; nothing to do")
    return
  }
  if ((await regionModule.listRegions({ name: "Europe" }, { take: 1 })).length) {
    throw new Error(
      "this database already has demo data from an interrupted seed; start over with `npm run demo -- --reset`"
    )
  }

  const deliver = takeOverPluginSubscribers(container)

  progress("catalog: regions, taxes, warehouses, shipping, products…")
  const catalog = await setupCatalog(container)
  progress(`catalog: 2 regions, ${PRODUCTS.length} products, ${catalog.variants.length} variants`)

  // -- members
  const now = new Date()
  const members = planMembers()
  let registered = 0
  const register = async (member: Member) => {
    // what POST /auth/customer/emailpass/register does
    const { success, authIdentity, error } = await authModule.register("emailpass", {
      body: { email: member.email, password: member.email === SHOPPER_EMAIL ? SHOPPER_PASSWORD : MEMBER_PASSWORD },
    } as any)
    if (!success || !authIdentity) throw new Error(`registering ${member.email} failed: ${error}`)
    // what POST /store/customers (with the registration token) does
    const { result: customer } = await createCustomerAccountWorkflow(container).run({
      input: {
        authIdentityId: authIdentity.id,
        customerData: {
          email: member.email,
          first_name: member.first_name,
          last_name: member.last_name,
        },
      },
    })
    member.id = customer.id
    await customerModule.createCustomerAddresses({
      customer_id: customer.id,
      ...member.address,
      address_name: "Home",
      is_default_shipping: true,
      is_default_billing: true,
    } as any)
    // a member's account is as old as their history: Medusa stamps "now", so
    // move created_at back (customer module update; a plain column)
    await customerModule.updateCustomers(customer.id, {
      created_at: new Date(now.getTime() - member.joinedDaysAgo * DAY),
    } as any)
    await deliver("customer.created", { id: customer.id })
    registered++
    if (registered % 25 === 0 || registered === members.length) {
      progress(`customers: ${registered}/${members.length} registered`)
    }
  }
  // a few at a time: password hashing (scrypt) is the slow part
  for (let i = 0; i < members.length; i += 4) {
    await Promise.all(members.slice(i, i + 4).map(register))
  }

  // -- order plan, oldest first
  const planned: PlannedOrder[] = []
  const at = (daysAgo: number) => {
    const date = new Date(now.getTime() - daysAgo * DAY)
    if (daysAgo > 0) date.setUTCHours(int(7, 21), int(0, 59), int(0, 59), 0)
    return date.getTime() > now.getTime() ? new Date(now.getTime() - int(5, 60) * 60 * 1000) : date
  }
  for (const member of members) {
    member.orderDays.forEach((daysAgo, i) => {
      let fate: PlannedOrder["fate"] = "kept"
      if (member.segment === "shopper") {
        // the shopper's history shows one canceled and one partly refunded order
        fate = i === 3 ? "canceled" : i === 6 ? "refunded_partly" : "kept"
      } else {
        const r = random()
        fate = r < 0.03 ? "canceled" : r < 0.06 ? "refunded_partly" : r < 0.075 ? "refunded_fully" : "kept"
      }
      planned.push({ at: at(daysAgo), member, fate })
    })
  }
  for (let g = 0; g < 20; g++) {
    const region = chance(0.75) ? "eu" : "us"
    const first = pick(FIRST_NAMES)
    const last = pick(LAST_NAMES)
    planned.push({
      at: at(int(1, 364)),
      guest: {
        email: `guest.${g}@example.org`,
        address: addressFor(first, last, region, g),
        region,
      },
      fate: chance(0.05) ? "canceled" : "kept",
    })
  }
  planned.sort((a, b) => a.at.getTime() - b.at.getTime())

  // -- place them in order, replaying the plugin's daily release job weekly
  const counts = { orders: 0, guest: 0, canceled: 0, refunded_partly: 0, refunded_fully: 0, releases: 0 }
  let nextRelease = new Date(now.getTime() - HISTORY_DAYS * DAY + 7 * DAY)
  const replayReleaseUntil = async (until: Date) => {
    while (nextRelease.getTime() <= until.getTime()) {
      const { result } = await releasePendingPointsWorkflow(container).run({ input: { now: nextRelease } })
      counts.releases += (result as any)?.released ?? 0
      nextRelease = new Date(nextRelease.getTime() + 7 * DAY)
    }
  }

  const ordersStarted = Date.now()
  for (const order of planned) {
    await replayReleaseUntil(order.at)
    const orderId = await placeOrder(container, catalog, order)
    counts.orders++
    if (order.guest) counts.guest++
    await deliver("order.placed", { id: orderId })

    if (order.fate === "canceled") {
      await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
      await deliver("order.canceled", { id: orderId })
      counts.canceled++
    } else if (order.fate === "refunded_partly" || order.fate === "refunded_fully") {
      const payment = await paymentOf(container, orderId)
      await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
      const amount =
        order.fate === "refunded_fully" ? payment.amount : Math.round(payment.amount * (0.2 + random() * 0.3) * 100) / 100
      await refundPaymentWorkflow(container).run({
        input: { payment_id: payment.id, amount, note: order.fate === "refunded_fully" ? "Returned in full" : "Item returned" },
      })
      await deliver("payment.refunded", { id: payment.id })
      counts[order.fate]++
    }

    if (counts.orders % 25 === 0 || counts.orders === planned.length) {
      const elapsed = (Date.now() - ordersStarted) / 1000
      const left = ((planned.length - counts.orders) * elapsed) / counts.orders
      progress(
        `orders: ${counts.orders}/${planned.length} (history up to ${order.at.toISOString().slice(0, 10)}, ~${Math.round(left)} s left)`
      )
    }
  }

  // -- today: the job's catch-up and release, then a goodwill adjustment for the shopper
  await replayReleaseUntil(now)
  const { result: today } = await releasePendingPointsWorkflow(container).run({ input: { now: new Date() } })
  counts.releases += (today as any)?.released ?? 0

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

  const account = await loyalty.retrieveAccountByCustomer(shopper.id!)
  if (!account || !(account.balance > 0)) {
    throw new Error(`the shopper ended with no points (${JSON.stringify(account)}); the seed is broken`)
  }

  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        metadata: {
          ...(store.metadata ?? {}),
          [SEED_MARKER]: { version: SEED_VERSION, seeded_at: new Date().toISOString() },
        },
      },
    },
  })

  const [, accountCount] = await loyalty.listAndCountAccounts({}, { take: 1 })
  const [, entryCount] = await loyalty.listAndCountEntries({}, { take: 1 })
  progress(
    `done in ${Math.round((Date.now() - started) / 1000)} s: ${members.length} members ` +
      `(${SEGMENTS.map((s) => `${s.count} ${s.segment.replace("_", "-")}`).join(", ")}), ` +
      `${counts.orders} orders over 12 months (${counts.guest} by guests, ${counts.canceled} canceled, ` +
      `${counts.refunded_partly} partly and ${counts.refunded_fully} fully refunded), ` +
      `${counts.releases} order releases, ${accountCount} loyalty accounts, ${entryCount} ledger entries`
  )
  progress(
    `shopper ${SHOPPER_EMAIL}: balance ${account.balance}, pending ${account.pending}, ` +
      `lifetime earned ${account.lifetime_earned}`
  )
}
