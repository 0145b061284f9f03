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

/** `<path>/<id>`, the id encoded: one item's route under its list's. */
export const itemPath = (path: string, id: string) => `${path}/${encodeURIComponent(id)}`

/**
 * The routes of a list staff edit, as the plugin's admin API lays them out:
 * `GET <path>` lists, `POST <path>` creates, `POST <path>/<id>` updates (any
 * subset) and `DELETE <path>/<id>` deletes; typed by the list's answer, one
 * item's answer and the body that creates one.
 */
export const collectionApi = <List, One, Body extends Record<string, unknown>, Deleted = { id: string; deleted: boolean }>(
  path: string
) => ({
  list: () => sdk.client.fetch<List>(path),
  create: (body: Body) => sdk.client.fetch<One>(path, { method: "POST", body }),
  update: (id: string, body: Partial<Body>) => sdk.client.fetch<One>(itemPath(path, id), { method: "POST", body }),
  remove: (id: string) => sdk.client.fetch<Deleted>(itemPath(path, id), { method: "DELETE" }),
})
