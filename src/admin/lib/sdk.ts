import Medusa from "@medusajs/js-sdk"

/**
 * One JS SDK client for the whole plugin admin. `__BACKEND_URL__` is replaced
 * by the dashboard build; the `typeof` guard keeps the module loadable in any
 * bundle that does not define it.
 */
const backendUrl =
  typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__
    ? __BACKEND_URL__
    : "/"

export const sdk = new Medusa({
  baseUrl: backendUrl,
  auth: { type: "session" },
})
