import { Button, Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/**
 * The footer of a paged list: where the reader is, and Previous / Next.
 * Next waits while a placeholder page shows (`isFetching`), so a fast double
 * click never skips a page.
 */
export const Pager = ({
  label,
  page,
  hasNext,
  isFetching,
  onPage,
  testIdPrefix,
}: {
  label: ReactNode
  /** 0-based. */
  page: number
  hasNext: boolean
  isFetching?: boolean
  onPage: (page: number) => void
  /** Gives the buttons `<prefix>-previous` / `<prefix>-next` test ids. */
  testIdPrefix?: string
}) => (
  <div className="flex items-center justify-between px-6 py-3">
    <Text size="small" className="text-ui-fg-subtle">
      {label}
    </Text>
    <div className="flex gap-x-2">
      <Button
        size="small"
        variant="secondary"
        type="button"
        disabled={page === 0}
        onClick={() => onPage(Math.max(0, page - 1))}
        data-testid={testIdPrefix && `${testIdPrefix}-previous`}
      >
        Previous
      </Button>
      <Button
        size="small"
        variant="secondary"
        type="button"
        disabled={!hasNext || isFetching}
        onClick={() => onPage(page + 1)}
        data-testid={testIdPrefix && `${testIdPrefix}-next`}
      >
        Next
      </Button>
    </div>
  </div>
)

/** Where a paged list is: the page (0-based), whether another follows, and whether a placeholder page shows. */
export type PageState = { page: number; hasMore: boolean; isFetching: boolean; onPage: (page: number) => void }

/** The PageState of a list read one page at a time: the page shown, how to turn it, and its query. */
export const pageState = (
  page: number,
  onPage: (page: number) => void,
  query: { data?: { has_more: boolean }; isPlaceholderData: boolean }
): PageState => ({ page, onPage, hasMore: !!query.data?.has_more, isFetching: query.isPlaceholderData })
