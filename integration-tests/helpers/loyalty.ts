import type { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_POINTS_MODULE } from "../../src/modules/loyalty-points"
import type LoyaltyPointsModuleService from "../../src/modules/loyalty-points/service"
import { get, Headers, HttpClient, post } from "./http"
import { registerCustomer, StoreHeaders } from "./store"

export const pointsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyPointsModuleService>(LOYALTY_POINTS_MODULE)

/**
 * Retry an assertion until it passes: subscribers run after the HTTP answer,
 * so the ledger catches up a moment later.
 */
export async function eventually<T>(check: () => Promise<T>, { timeout = 15_000, interval = 150 } = {}): Promise<T> {
  const deadline = Date.now() + timeout
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, interval))
    }
  }
}

/** Everything the invariants compare: cached figures, ledger sums and open lots. */
export async function ledgerTotals(container: MedusaContainer, customerId: string) {
  const service = pointsService(container)
  const account = await service.retrieveAccountByCustomer(customerId)
  if (!account) return null
  const entries = await service.listEntries({ account_id: account.id }, { take: null })
  const lots = await service.listLots({ account_id: account.id }, { take: null })
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
  return {
    cached: { balance: account.balance, pending: account.pending, debt: account.debt },
    ledger: {
      balance: sum(entries.map((e) => Number(e.balance_change))),
      pending: sum(entries.map((e) => Number(e.pending_change))),
      debt: sum(entries.map((e) => Number(e.debt_change))),
    },
    lots: sum(lots.map((l) => Number(l.remaining))),
    entries,
  }
}

/** A date `days` from now, for running the jobs' workflows past the return window. */
export const daysFromNow = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000)

export type Outcome = { status: number; data: any }

/** Send a request and return its status and body whatever the status, for asserting on 4xx answers. */
export async function attempt(call: Promise<{ status: number; data: unknown }>): Promise<Outcome> {
  try {
    const response = await call
    return { status: response.status, data: response.data }
  } catch (error) {
    const response = (error as { response?: Outcome }).response
    if (!response) throw error
    return response
  }
}

/**
 * A registered shopper holding `balance` points: the 50-point sign-up bonus
 * of the test store (awaited, it arrives through `customer.created`) plus an
 * admin adjustment for the rest.
 */
export async function memberWith(
  api: HttpClient,
  storeHeaders: StoreHeaders,
  adminHeaders: Headers,
  email: string,
  balance: number
) {
  const registered = await registerCustomer(api, storeHeaders, { email })
  await eventually(async () => {
    const { account } = await get(api, "/store/loyalty/account", registered.headers)
    if (account.balance !== 50) throw new Error(`sign-up bonus not there yet (balance ${account.balance})`)
  })
  if (balance !== 50) {
    await post(
      api,
      `/admin/loyalty/accounts/${registered.customer.id}/adjustments`,
      { points: balance - 50, reason: "test balance" },
      adminHeaders
    )
  }
  return registered
}
