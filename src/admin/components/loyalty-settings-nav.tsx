import { clx } from "@medusajs/ui"
import { Link, useLocation } from "react-router-dom"

export type LoyaltySettingsTab = {
  label: string
  /** Absolute dashboard path, e.g. "/settings/loyalty/tiers". */
  to: string
}

/**
 * The dashboard does not list nested settings routes in its sidebar, so the
 * loyalty settings link their own sub-pages here. Add a tab when a
 * `routes/settings/loyalty/<x>/page.tsx` is added.
 */
export const LOYALTY_SETTINGS_TABS: LoyaltySettingsTab[] = [
  { label: "Program", to: "/settings/loyalty" },
  { label: "Tiers", to: "/settings/loyalty/tiers" },
  { label: "Rewards", to: "/settings/loyalty/rewards" },
  { label: "Referrals", to: "/settings/loyalty/referrals" },
  { label: "Campaigns", to: "/settings/loyalty/campaigns" },
  { label: "Actions and notifications", to: "/settings/loyalty/actions" },
  { label: "Import", to: "/settings/loyalty/import" },
]

const ROOT = "/settings/loyalty"

const isActive = (pathname: string, to: string) => {
  const path = pathname.replace(/\/+$/, "")
  // The root tab is active only on the root; sub-pages match by prefix.
  return to === ROOT ? path.endsWith(ROOT) : path.includes(to)
}

export const LoyaltySettingsNav = ({
  tabs = LOYALTY_SETTINGS_TABS,
}: {
  tabs?: LoyaltySettingsTab[]
}) => {
  const { pathname } = useLocation()

  return (
    <nav
      aria-label="Loyalty settings"
      className="flex flex-wrap items-center gap-1"
      data-testid="loyalty-settings-nav"
    >
      {tabs.map((tab) => {
        const active = isActive(pathname, tab.to)
        return (
          <Link
            key={tab.to}
            to={tab.to}
            aria-current={active ? "page" : undefined}
            className={clx(
              "txt-compact-small-plus rounded-md px-3 py-1.5 transition-fg outline-none",
              "focus-visible:shadow-borders-focus",
              active
                ? "bg-ui-bg-base text-ui-fg-base shadow-elevation-card-rest"
                : "text-ui-fg-subtle hover:bg-ui-bg-base-hover hover:text-ui-fg-base"
            )}
          >
            {tab.label}
          </Link>
        )
      })}
    </nav>
  )
}
