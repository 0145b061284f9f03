import { useCallback, useEffect, useRef, useState } from "react"
import type {
  StoreCartLoyalty,
  StoreLoyaltyAccount,
  StoreLoyaltyEntry,
  StoreMemberPreferences,
} from "medusa-plugin-loyalty-points/client"
import { useLoyaltyContext } from "./context"
import { errorMessage } from "./format"

type Loadable<T> = { data: T | null; loading: boolean; error: string | null }

/**
 * Fetches `load()` on mount, whenever `key` changes and whenever the
 * LoyaltyProvider is invalidated. Keeps the last data while reloading, so
 * the UI does not flicker. Ignores answers that arrive after a newer request.
 */
function useLoyaltyQuery<T>(key: string | null, load: () => Promise<T>) {
  const { version } = useLoyaltyContext()
  const [state, setState] = useState<Loadable<T>>({ data: null, loading: key !== null, error: null })
  const [tick, setTick] = useState(0)
  const latest = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    if (key === null) {
      setState({ data: null, loading: false, error: null })
      return
    }
    const request = ++latest.current
    setState((s) => ({ ...s, loading: true }))
    loadRef.current().then(
      (data) => request === latest.current && setState({ data, loading: false, error: null }),
      (error) => request === latest.current && setState((s) => ({ ...s, loading: false, error: errorMessage(error) }))
    )
  }, [key, version, tick])

  const refresh = useCallback(() => setTick((t) => t + 1), [])
  return { ...state, refresh }
}

/**
 * The logged-in shopper's points: `account.balance` (spendable now),
 * `account.pending` (earned, released after the return window),
 * `account.next_expiry`. Needs a logged-in customer.
 */
export function useLoyaltyAccount() {
  const { client } = useLoyaltyContext()
  const { data, ...rest } = useLoyaltyQuery<StoreLoyaltyAccount>("account", async () => (await client.account()).account)
  return { account: data, ...rest }
}

/** The member's birthday and whether they get loyalty messages. */
export function useMemberPreferences() {
  const { client } = useLoyaltyContext()
  const { data, ...rest } = useLoyaltyQuery<StoreMemberPreferences>("preferences", async () => (await client.preferences()).preferences)
  return { preferences: data, ...rest }
}

/** The shopper's ledger, newest first (earned, pending, redeemed, restored, expired…). */
export function useLoyaltyEntries(limit = 10) {
  const { client } = useLoyaltyContext()
  const { data, ...rest } = useLoyaltyQuery(`entries:${limit}`, async () => client.entries({ limit }))
  return { entries: (data?.entries ?? []) as StoreLoyaltyEntry[], hasMore: data?.has_more ?? false, ...rest }
}

/**
 * Everything checkout needs about points for one cart (GET /store/carts/:id/loyalty):
 * - `loyalty.points_to_earn` / `earns` / `earn_note`: what completing the cart earns;
 * - `loyalty.redeem`: min/step/max points and their value (null when not the cart's owner);
 * - `loyalty.applied`: points applied now, and whether they still `fits` (`problems` if not).
 *
 * `apply(points)` / `remove()` call the plugin and keep the server's message in
 * `actionError` (a 400 such as "Points are redeemed in steps of 100"). Apply
 * points BEFORE creating the payment session; if you change them after, create
 * the session again (the cart refresh changes the payment collection's amount,
 * and Medusa then deletes its sessions).
 */
export function useCartLoyalty(cartId: string | null | undefined) {
  const { client, invalidate } = useLoyaltyContext()
  const query = useLoyaltyQuery<StoreCartLoyalty>(cartId ?? null, async () => (await client.cart(cartId!)).loyalty)
  const [pending, setPending] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)

  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setPending(true)
      setActionError(null)
      try {
        await action()
        invalidate() // the preview, the balance and the history all changed
        return true
      } catch (error) {
        setActionError(errorMessage(error))
        query.refresh()
        return false
      } finally {
        setPending(false)
      }
    },
    [invalidate, query.refresh]
  )

  const apply = useCallback((points: number) => run(() => client.applyPoints(cartId!, points)), [run, client, cartId])
  const remove = useCallback(() => run(() => client.removePoints(cartId!)), [run, client, cartId])

  return {
    loyalty: query.data,
    loading: query.loading,
    error: query.error,
    refresh: query.refresh,
    apply,
    remove,
    /** true while an apply/remove request runs */
    pending,
    /** the server's message when the last apply/remove failed */
    actionError,
    clearActionError: () => setActionError(null),
  }
}

export type CartLoyalty = ReturnType<typeof useCartLoyalty>
