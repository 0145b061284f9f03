import { Drawer } from "@medusajs/ui"
import { useEffect, useState, type ReactNode } from "react"
import { useNavigate } from "react-router-dom"

/**
 * Leaves a child route (a create or edit drawer) for its list, as closing
 * Medusa's own route drawers does.
 */
export const useCloseRoute = () => {
  const navigate = useNavigate()
  return () => navigate("..", { replace: true })
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
