/**
 * Where the storefront finds the store. serve.js writes /config.json at run
 * time, so one build works with any publishable key and backend:
 *
 *   { "baseUrl": "",  "publishableKey": "pk_…", "backendUrl": "http://localhost:9000" }
 *
 * An empty baseUrl means "this origin": serve.js proxies /store and /auth to
 * the backend, so the browser never needs CORS. Without /config.json (the vite
 * dev server), VITE_MEDUSA_BACKEND_URL / VITE_MEDUSA_PUBLISHABLE_KEY are used.
 */
export type StorefrontConfig = {
  /** what the browser calls (the page's own origin when proxied) */
  baseUrl: string
  publishableKey: string
  /** the Medusa server behind it (shown in the footer) */
  backendUrl: string
}

export async function loadConfig(): Promise<StorefrontConfig> {
  let runtime: Partial<StorefrontConfig> = {}
  try {
    const res = await fetch("/config.json", { cache: "no-store" })
    if (res.ok && (res.headers.get("content-type") ?? "").includes("json")) runtime = await res.json()
  } catch {
    // no runtime config: build-time env below
  }
  const envBackend = import.meta.env.VITE_MEDUSA_BACKEND_URL as string | undefined
  const publishableKey = runtime.publishableKey || (import.meta.env.VITE_MEDUSA_PUBLISHABLE_KEY as string | undefined) || ""
  // Under `vite` (dev) the dev server proxies /store and /auth too, so the same origin works.
  const baseUrl = runtime.baseUrl || window.location.origin
  return { baseUrl, publishableKey, backendUrl: runtime.backendUrl || envBackend || baseUrl }
}
