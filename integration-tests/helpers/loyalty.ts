import { TestEventUtils } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { LOYALTY_POINTS_MODULE } from "../../src/modules/loyalty-points"
import type LoyaltyPointsModuleService from "../../src/modules/loyalty-points/service"
import { get, Headers, HttpClient, post } from "./http"
import { registerCustomer, StoreHeaders } from "./store"

export const pointsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyPointsModuleService>(LOYALTY_POINTS_MODULE)

/**
 * Retry an assertion until it passes: subscribers run after the HTTP answer,
 * so the ledger catches up a moment later. It returns at the first pass, so
 * the limit only decides how long a real failure takes to report: a minute,
 * since a 2-core CI machine running both test lanes and the demo's browser
 * reaches a load of 6 and more, where an award queued behind others can lag
 * the 15 s this used to allow.
 */
export async function eventually<T>(check: () => Promise<T>, { timeout = 60_000, interval = 150 } = {}): Promise<T> {
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

/**
 * Resolves once every subscriber of `eventName` has returned from its next
 * emission (whether it succeeded or failed): call it before the request that
 * emits, await it after. For "nothing happened" checks: wait for the handling,
 * then look. `triggerCount`: the emissions to wait for when one workflow emits
 * the event several times (a page's events). Waits up to 2 minutes (test-utils' default, 15 s, is less than a
 * checkout takes on a loaded 2-core machine).
 */
export function subscribersDone(container: MedusaContainer, eventName: string, { timeout = 120_000, triggerCount = 1 } = {}) {
  return TestEventUtils.waitSubscribersExecution(eventName, container.resolve(Modules.EVENT_BUS), { timeout, triggerCount })
}

/**
 * Everything the invariants compare: cached figures, ledger sums and open
 * lots, read in one statement so that they come from the same snapshot even
 * while subscribers are still writing entries.
 */
export async function ledgerTotals(container: MedusaContainer, customerId: string) {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows } = await knex.raw(
    `SELECT a.id, a.balance, a.pending, a.debt,
            (SELECT coalesce(sum(balance_change), 0)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS ledger_balance,
            (SELECT coalesce(sum(pending_change), 0)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS ledger_pending,
            (SELECT coalesce(sum(debt_change), 0)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS ledger_debt,
            (SELECT coalesce(sum(remaining), 0)::int FROM loyalty_lot l WHERE l.account_id = a.id) AS lots
       FROM loyalty_account a WHERE a.customer_id = ? AND a.deleted_at IS NULL`,
    [customerId]
  )
  const row = rows[0]
  if (!row) return null
  const entries = await pointsService(container).listEntries({ account_id: row.id }, { take: null })
  return {
    cached: { balance: row.balance, pending: row.pending, debt: row.debt },
    ledger: { balance: row.ledger_balance, pending: row.ledger_pending, debt: row.ledger_debt },
    lots: row.lots,
    entries,
  }
}

/** A date `days` from now, for running the jobs' workflows past the return window. */
export const daysFromNow = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000)

export type Outcome = { status: number; data: any; headers: Record<string, unknown> }

/** Send a request and return its status, body and headers whatever the status, for asserting on 4xx answers. */
export async function attempt(
  call: Promise<{ status: number; data: unknown; headers?: Record<string, unknown> }>
): Promise<Outcome> {
  try {
    const response = await call
    return { status: response.status, data: response.data, headers: response.headers ?? {} }
  } catch (error) {
    const response = (error as { response?: Partial<Outcome> & { status: number } }).response
    if (!response) throw error
    return { status: response.status, data: response.data, headers: response.headers ?? {} }
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
