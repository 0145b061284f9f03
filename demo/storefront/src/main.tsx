import Medusa from "@medusajs/js-sdk"
import { createLoyaltyClient } from "medusa-plugin-loyalty-points/client"
import { StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { App } from "./App"
import { loadConfig } from "./config"
import "./loyalty/loyalty.css"
import "./styles.css"

async function start() {
  const root = createRoot(document.getElementById("root")!)
  const config = await loadConfig()
  if (!config.publishableKey) {
    root.render(
      <p className="page error">
        No publishable key: serve this storefront with <code>node demo/storefront/serve.js --key pk_…</code> (it writes
        /config.json), or set VITE_MEDUSA_PUBLISHABLE_KEY for <code>vite</code>.
      </p>
    )
    return
  }
  // JWT auth: sdk.auth.login() keeps the token in localStorage and sends it as a bearer token.
  const sdk = new Medusa({ baseUrl: config.baseUrl, publishableKey: config.publishableKey, auth: { type: "jwt" } })
  const loyalty = createLoyaltyClient(sdk)
  root.render(
    <StrictMode>
      <App sdk={sdk} loyalty={loyalty} config={config} />
    </StrictMode>
  )
}

start()
