import { Container, Text } from "@medusajs/ui"
import type { ReactNode } from "react"
import { getErrorMessage } from "../lib/loyalty-api"

/** The part of a react-query result a page shows before its data. */
export type Loadable<T> = { isPending: boolean; isError: boolean; error: unknown; data: T | undefined }

/**
 * Loading, failed, or the page: what every loyalty page and widget shows
 * while its data comes. `boxed` puts the message in its own container (a
 * page of its own), `inline` leaves it bare (inside a padded section);
 * otherwise it is a padded row inside the caller's container.
 */
export function QueryState<T>({
  query,
  loading,
  failed,
  boxed,
  inline,
  children,
}: {
  query: Loadable<T>
  /** e.g. "Loading tiers…" */
  loading: string
  /** e.g. "Could not load the tiers" (the error follows). */
  failed: string
  boxed?: boolean
  inline?: boolean
  children: (data: T) => ReactNode
}) {
  if (!query.isPending && !query.isError && query.data !== undefined) return <>{children(query.data)}</>
  const message = query.isError ? (
    <Text size="small" className="text-ui-fg-error">
      {failed}: {getErrorMessage(query.error)}
    </Text>
  ) : (
    <Text size="small" className="text-ui-fg-subtle">
      {loading}
    </Text>
  )
  if (inline) return message
  return boxed ? <Container>{message}</Container> : <div className="px-6 py-4">{message}</div>
}

/** A list's empty state, in a padded row. */
export const EmptyRow = ({ testId, children }: { testId: string; children: ReactNode }) => (
  <div className="px-6 py-4">
    <Text size="small" className="text-ui-fg-muted" data-testid={testId}>
      {children}
    </Text>
  </div>
)
