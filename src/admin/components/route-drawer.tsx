import { Drawer, Text } from "@medusajs/ui"
import { useEffect, useState, type ReactNode } from "react"
import { useLocation, useNavigate, useParams } from "react-router-dom"
import { QueryState, type Loadable } from "./query-state"

/**
 * What a link to a drawer passes as its `state` when the drawer is opened
 * from another page than its list (a customer's page opening a referral's
 * review): closing the drawer goes back there instead of to the list.
 */
export const returnHere = (pathname: string): { from: string } => ({ from: pathname })

/**
 * Leaves a child route (a create or edit drawer) for the page it was opened
 * from: the page a link named with `returnHere`, else its list, as closing
 * Medusa's own route drawers does.
 */
export const useCloseRoute = () => {
  const navigate = useNavigate()
  const { state } = useLocation()
  const from = typeof state?.from === "string" ? state.from : null
  return () => navigate(from ?? "..", { replace: true })
}

/**
 * A drawer that is a route of its own (`<list>/@create/page.tsx`,
 * `<list>/@[id]/edit/page.tsx`), drawn over its list's `<Outlet />`, as the
 * dashboard's RouteDrawer: the URL opens it (so it can be linked and reloaded)
 * and closing it goes back to the list. It opens after mounting, so the entry
 * animation plays.
 */
export const RouteDrawer = ({ children }: { children: ReactNode }) => {
  const close = useCloseRoute()
  const [open, setOpen] = useState(false)
  useEffect(() => setOpen(true), [])
  return (
    <Drawer open={open} onOpenChange={(next) => (next ? setOpen(true) : close())}>
      <Drawer.Content aria-describedby={undefined}>{children}</Drawer.Content>
    </Drawer>
  )
}

/**
 * A route drawer with the form for one item of a list: the list's query
 * (loading and failing as every page shows it; its items are the data's
 * `<noun>s`), then `form` with the item of the route's `:id` (the edit route),
 * or with null for a new one (the create route has no `:id`). An id the list
 * no longer has (deleted meanwhile, an old link) is said so instead.
 */
export function RouteFormDrawer<N extends string, T extends Record<`${N}s`, { id: string }[]>>({
  query,
  noun,
  form,
}: {
  query: Loadable<T>
  /** What the list holds, singular: "tier". */
  noun: N
  form: (item: T[`${N}s`][number] | null, data: T) => ReactNode
}) {
  const { id } = useParams()
  return (
    <RouteDrawer>
      <QueryState query={query} loading={`Loading ${noun}s…`} failed={`Could not load the ${noun}s`}>
        {(data) => {
          const rows: T[`${N}s`] = data[`${noun}s`]
          const item = id ? rows.find((row) => row.id === id) : null
          return item === undefined ? (
            <Text size="small" className="text-ui-fg-error px-6 py-4">
              No {noun} {id}: it may have been deleted.
            </Text>
          ) : (
            form(item, data)
          )
        }}
      </QueryState>
    </RouteDrawer>
  )
}
