import { ArrowDownTray } from "@medusajs/icons"
import { Button, DropdownMenu } from "@medusajs/ui"
import type { ReactNode } from "react"
import { EXPORT_KINDS, liabilityApi } from "../lib/liability-api"

/** One "Export" menu for every loyalty list: each item downloads its CSV (streamed by the server). */
export const ExportMenu = () => (
  <DropdownMenu>
    <DropdownMenu.Trigger asChild>
      <Button size="small" variant="secondary" data-testid="loyalty-export-menu">
        <ArrowDownTray />
        Export
      </Button>
    </DropdownMenu.Trigger>
    <DropdownMenu.Content align="end">
      {EXPORT_KINDS.map(({ kind, label }) => (
        <DropdownMenu.Item key={kind} asChild>
          <a href={liabilityApi.exportUrl(kind)} download data-testid={`loyalty-export-${kind}`}>
            {label}
          </a>
        </DropdownMenu.Item>
      ))}
    </DropdownMenu.Content>
  </DropdownMenu>
)

/** A button that downloads one CSV (streamed by the server). */
export const CsvButton = ({ href, testId, children }: { href: string; testId: string; children: ReactNode }) => (
  <Button size="small" variant="secondary" asChild>
    <a href={href} download data-testid={testId}>
      <ArrowDownTray />
      {children}
    </a>
  </Button>
)
