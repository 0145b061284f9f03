import type Medusa from "@medusajs/js-sdk"
import type { HttpTypes } from "@medusajs/types"
import type { LoyaltyClient } from "medusa-plugin-loyalty-points/client"
import { useEffect, useState } from "react"
import type { StorefrontConfig } from "./config"
import { LoyaltyBalance, LoyaltyProvider } from "./loyalty"
import { Login } from "./shop/Login"
import { Shop } from "./shop/Shop"

export function App({ sdk, loyalty, config }: { sdk: Medusa; loyalty: LoyaltyClient; config: StorefrontConfig }) {
  const [customer, setCustomer] = useState<HttpTypes.StoreCustomer | null>(null)
  const [checking, setChecking] = useState(true)

  // A token from an earlier visit (localStorage) may still be valid.
  useEffect(() => {
    sdk.store.customer
      .retrieve()
      .then(({ customer }) => setCustomer(customer))
      .catch(() => setCustomer(null))
      .finally(() => setChecking(false))
  }, [sdk])

  const logout = async () => {
    await sdk.auth.logout()
    setCustomer(null)
  }

  return (
    <LoyaltyProvider client={loyalty}>
      <header className="topbar">
        <strong className="brand">Trailhead Outfitters</strong>
        <span className="muted">loyalty demo storefront</span>
        <span className="spacer" />
        {customer && (
          <>
            <LoyaltyBalance compact />
            <span className="muted" data-testid="customer-email">
              {customer.email}
            </span>
            <button type="button" className="link" data-testid="logout" onClick={logout}>
              Log out
            </button>
          </>
        )}
      </header>
      <main className="page">
        {checking ? (
          <p className="muted">Loading…</p>
        ) : customer ? (
          <Shop key={customer.id} sdk={sdk} customer={customer} />
        ) : (
          <Login sdk={sdk} onLogin={setCustomer} />
        )}
      </main>
      <footer className="footer muted">
        Store API: {config.backendUrl}
        {config.baseUrl !== config.backendUrl ? ` (through ${config.baseUrl})` : ""}
      </footer>
    </LoyaltyProvider>
  )
}
