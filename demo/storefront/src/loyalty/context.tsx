import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from "react"
import type { LoyaltyClient } from "medusa-plugin-loyalty-points/client"

/**
 * Hands the plugin's store client to the loyalty hooks, plus a "something
 * changed" counter: call `invalidate()` after anything that changes a cart or
 * the balance (adding items, completing an order) and every mounted loyalty
 * hook fetches again. Applying or removing points through `useCartLoyalty`
 * invalidates by itself.
 *
 * ```tsx
 * const sdk = new Medusa({ baseUrl, publishableKey })
 * <LoyaltyProvider client={createLoyaltyClient(sdk)}>…</LoyaltyProvider>
 * ```
 */
type LoyaltyContextValue = {
  client: LoyaltyClient
  /** bumped by invalidate(); hooks fetch again when it changes */
  version: number
  invalidate: () => void
}

const LoyaltyContext = createContext<LoyaltyContextValue | null>(null)

export function LoyaltyProvider({ client, children }: { client: LoyaltyClient; children: ReactNode }) {
  const [version, setVersion] = useState(0)
  const invalidate = useCallback(() => setVersion((v) => v + 1), [])
  const value = useMemo(() => ({ client, version, invalidate }), [client, version, invalidate])
  return <LoyaltyContext.Provider value={value}>{children}</LoyaltyContext.Provider>
}

export function useLoyaltyContext(): LoyaltyContextValue {
  const value = useContext(LoyaltyContext)
  if (!value) throw new Error("Loyalty hooks and components need a <LoyaltyProvider client={…}> above them")
  return value
}

/** The plugin's store client (program, account, entries, cart, applyPoints, removePoints). */
export const useLoyaltyClient = () => useLoyaltyContext().client

/** Call the returned function after a cart or balance change to refresh every loyalty view. */
export const useLoyaltyInvalidate = () => useLoyaltyContext().invalidate
