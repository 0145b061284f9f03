import {
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { getDefaultSalesChannelId } from "./store"

export type CommerceFixture = {
  storeId: string
  regionId: string
  /** "eur" — the region's currency */
  currencyCode: string
  salesChannelId: string
  stockLocationId: string
  shippingProfileId: string
  fulfillmentSetId: string
  serviceZoneId: string
  /** "Standard", flat 10 EUR (12 USD) */
  shippingOptionId: string
  shippingAmount: number
  /** VAT rate (percent) of the DE tax region; prices are tax-exclusive */
  taxRateDE: number
  productId: string
  /** 100 EUR / 120 USD variant */
  expensiveVariantId: string
  /** 25 EUR / 30 USD variant */
  cheapVariantId: string
  variants: { id: string; sku: string; eur: number; usd: number }[]
}

export type SetupCommerceOptions = {
  /** VAT for Germany (default 19, so tests can show tax is not earned on) */
  taxRateDE?: number
  /** VAT for France (default 20) */
  taxRateFR?: number
  stockedQuantity?: number
}

/**
 * Builds a store that can take an order end to end with the system payment
 * provider, through Medusa's own workflows (as a seed script would):
 *
 * - region "Europe" (eur; de, fr; pp_system_default), tax regions de (19 %) and fr (20 %)
 * - store currencies eur (default) + usd, default region and sales channel
 * - stock location linked to manual fulfillment and to the sales channel, a
 *   shipping fulfillment set with a de+fr service zone, shipping option
 *   "Standard" at 10 EUR on the default shipping profile
 * - product "Loyalty Test Shirt" with variants at 100 EUR and 25 EUR (usd prices
 *   too), inventory 1000 each
 *
 * Call it in the suite's `beforeAll` (it is then part of the snapshot the
 * runner restores before every `it`) or inside an `it`. It creates the region
 * and tax regions, so it can run only once per database state.
 */
export async function setupCommerce(
  container: MedusaContainer,
  { taxRateDE = 19, taxRateFR = 20, stockedQuantity = 1000 }: SetupCommerceOptions = {}
): Promise<CommerceFixture> {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const storeModule = container.resolve(Modules.STORE)
  const fulfillmentModule = container.resolve(Modules.FULFILLMENT)

  const salesChannelId = await getDefaultSalesChannelId(container)
  const [store] = await storeModule.listStores({}, { take: 1 })

  // Region, taxes, store currencies
  const {
    result: [region],
  } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        {
          name: "Europe",
          currency_code: "eur",
          countries: ["de", "fr"],
          payment_providers: ["pp_system_default"],
        },
      ],
    },
  })

  await createTaxRegionsWorkflow(container).run({
    input: [
      {
        country_code: "de",
        provider_id: "tp_system",
        default_tax_rate: { rate: taxRateDE, code: "DE-VAT", name: "DE VAT" },
      },
      {
        country_code: "fr",
        provider_id: "tp_system",
        default_tax_rate: { rate: taxRateFR, code: "FR-VAT", name: "FR VAT" },
      },
    ],
  })

  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: [
          { currency_code: "eur", is_default: true },
          { currency_code: "usd" },
        ],
        default_sales_channel_id: salesChannelId,
        default_region_id: region.id,
      },
    },
  })

  // Stock location, fulfillment, shipping
  const {
    result: [stockLocation],
  } = await createStockLocationsWorkflow(container).run({
    input: {
      locations: [
        {
          name: "Berlin warehouse",
          address: { address_1: "Hauptstraße 1", city: "Berlin", country_code: "de" },
        },
      ],
    },
  })

  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: stockLocation.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })

  let [shippingProfile] = await fulfillmentModule.listShippingProfiles(
    { type: "default" },
    { take: 1 }
  )
  if (!shippingProfile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
    })
    shippingProfile = result[0]
  }

  const fulfillmentSet = await fulfillmentModule.createFulfillmentSets({
    name: "Berlin warehouse shipping",
    type: "shipping",
    service_zones: [
      {
        name: "Germany and France",
        geo_zones: [
          { country_code: "de", type: "country" },
          { country_code: "fr", type: "country" },
        ],
      },
    ],
  })
  const serviceZoneId = fulfillmentSet.service_zones[0].id

  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: stockLocation.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })

  const shippingAmount = 10
  const {
    result: [shippingOption],
  } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Standard",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: serviceZoneId,
        shipping_profile_id: shippingProfile.id,
        type: { label: "Standard", description: "Ships in 2-3 days.", code: "standard" },
        prices: [
          { currency_code: "eur", amount: shippingAmount },
          { currency_code: "usd", amount: 12 },
          { region_id: region.id, amount: shippingAmount },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })

  await linkSalesChannelsToStockLocationWorkflow(container).run({
    input: { id: stockLocation.id, add: [salesChannelId] },
  })

  // Product with two variants and stock
  const suffix = Math.random().toString(36).slice(2, 8)
  const variantPrices = [
    { title: "L", sku: `LOYALTY-SHIRT-L-${suffix}`, eur: 100, usd: 120 },
    { title: "S", sku: `LOYALTY-SHIRT-S-${suffix}`, eur: 25, usd: 30 },
  ]
  const {
    result: [product],
  } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "Loyalty Test Shirt",
          handle: `loyalty-test-shirt-${suffix}`,
          status: "published",
          shipping_profile_id: shippingProfile.id,
          options: [{ title: "Size", values: variantPrices.map((v) => v.title) }],
          variants: variantPrices.map((v) => ({
            title: v.title,
            sku: v.sku,
            manage_inventory: true,
            options: { Size: v.title },
            prices: [
              { currency_code: "eur", amount: v.eur },
              { currency_code: "usd", amount: v.usd },
            ],
          })),
          sales_channels: [{ id: salesChannelId }],
        },
      ],
    },
  })

  const { data: variants } = await query.graph({
    entity: "product_variant",
    fields: ["id", "sku", "inventory_items.inventory_item_id"],
    filters: { product_id: product.id },
  })

  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: variants.flatMap((variant) =>
        (variant.inventory_items ?? []).map((item) => ({
          location_id: stockLocation.id,
          stocked_quantity: stockedQuantity,
          inventory_item_id: item.inventory_item_id,
        }))
      ),
    },
  })

  const bySku = new Map(variants.map((v) => [v.sku, v.id]))
  const fixtureVariants = variantPrices.map((v) => {
    const id = bySku.get(v.sku)
    if (!id) {
      throw new Error(`variant ${v.sku} was not created`)
    }
    return { id, sku: v.sku, eur: v.eur, usd: v.usd }
  })

  return {
    storeId: store.id,
    regionId: region.id,
    currencyCode: "eur",
    salesChannelId,
    stockLocationId: stockLocation.id,
    shippingProfileId: shippingProfile.id,
    fulfillmentSetId: fulfillmentSet.id,
    serviceZoneId,
    shippingOptionId: shippingOption.id,
    shippingAmount,
    taxRateDE,
    productId: product.id,
    expensiveVariantId: fixtureVariants[0].id,
    cheapVariantId: fixtureVariants[1].id,
    variants: fixtureVariants,
  }
}
