import type Medusa from "@medusajs/js-sdk"
import type { HttpTypes } from "@medusajs/types"
import { FormEvent, useState } from "react"
import { errorMessage } from "../loyalty"

/** Email/password login (Medusa's emailpass provider); the demo prints the shopper's login. */
export function Login({ sdk, onLogin }: { sdk: Medusa; onLogin: (customer: HttpTypes.StoreCustomer) => void }) {
  const [email, setEmail] = useState("shopper@loyalty.demo")
  const [password, setPassword] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await sdk.auth.login("customer", "emailpass", { email, password })
      if (typeof result !== "string") throw new Error("This demo supports plain email/password logins only")
      const { customer } = await sdk.store.customer.retrieve()
      onLogin(customer)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card login" onSubmit={submit}>
      <h2>Log in to see and spend your points</h2>
      <label>
        Email
        <input data-testid="login-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        Password
        <input
          data-testid="login-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder="loyalty-demo"
          required
        />
      </label>
      <button data-testid="login-submit" type="submit" disabled={busy}>
        {busy ? "Logging in…" : "Log in"}
      </button>
      {error && (
        <p role="alert" className="error" data-testid="login-error">
          {error}
        </p>
      )}
    </form>
  )
}
