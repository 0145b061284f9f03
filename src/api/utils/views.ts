import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { earnRateFor, ProgramRules } from "../../lib/points/program"
import { LOYALTY_POINTS_MODULE } from "../../modules/loyalty-points"
import type LoyaltyPointsModuleService from "../../modules/loyalty-points/service"
import { LedgerEntry } from "../../modules/loyalty-points/types"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

export const pointsModule = (scope: MedusaContainer) =>
  scope.resolve<LoyaltyPointsModuleService>(LOYALTY_POINTS_MODULE)

/** The store's currencies, lower case, default first. */
export async function storeCurrencies(scope: MedusaContainer): Promise<string[]> {
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "store",
    fields: ["supported_currencies.currency_code", "supported_currencies.is_default"],
  })
  const currencies = (data[0]?.supported_currencies ?? []).filter(Boolean)
  return currencies
    .sort((a, b) => Number(!!b?.is_default) - Number(!!a?.is_default))
    .map((currency) => currency!.currency_code.toLowerCase())
}

/** The program with what a merchant or shopper must know about each store currency. */
export async function programView(scope: MedusaContainer, rules: ProgramRules) {
  const currencies = await storeCurrencies(scope)
  return {
    program: rules,
    store_currencies: currencies,
    currencies_without_earn_rate: currencies.filter((code) => earnRateFor(rules, code) === null),
  }
}

/** A customer's figures; a customer with no points movement yet reads as all zeros. */
export async function accountView(scope: MedusaContainer, customerId: string) {
  const service = pointsModule(scope)
  const [account] = await service.listAccounts({ customer_id: customerId }, { take: 1 })
  const nextExpiry = account ? await service.nextExpiry(account.id) : null
  return {
    customer_id: customerId,
    balance: account?.balance ?? 0,
    pending: account?.pending ?? 0,
    debt: account?.debt ?? 0,
    lifetime_earned: account?.lifetime_earned ?? 0,
    lifetime_redeemed: account?.lifetime_redeemed ?? 0,
    next_expiry: nextExpiry,
  }
}

/** One page of a customer's entries, newest first. */
export async function entriesPage(
  scope: MedusaContainer,
  customerId: string,
  page: { limit: number; offset: number }
): Promise<{ entries: LedgerEntry[]; has_more: boolean; limit: number; offset: number }> {
  const service = pointsModule(scope)
  const [account] = await service.listAccounts({ customer_id: customerId }, { take: 1 })
  if (!account) {
    return { entries: [], has_more: false, ...page }
  }
  return { ...(await service.listAccountEntries(account.id, page)), ...page }
}

/**
 * What a shopper sees of an entry: no internal keys, no staff ids (only that
 * staff made the change).
 */
export function storeEntry(entry: LedgerEntry) {
  return {
    id: entry.id,
    type: entry.type,
    points: entry.points,
    balance_change: entry.balance_change,
    pending_change: entry.pending_change,
    reason: entry.reason,
    actor_type: entry.actor_type,
    order_id: entry.order_id,
    reference_type: entry.reference_type,
    reference_id: entry.reference_type === ReferenceTypes.ORDER ? entry.reference_id : null,
    program_version: entry.program_version,
    currency_code: entry.currency_code,
    release_at: entry.release_at,
    details: entry.details,
    created_at: entry.created_at,
  }
}
