import { PencilSquare, Trash } from "@medusajs/icons"
import {
  DataTable,
  IconButton,
  Text,
  clx,
  createDataTableColumnHelper,
  useDataTable,
  type DataTableColumnDef,
  type DataTablePaginationState,
} from "@medusajs/ui"
import { useMemo, useState, type DependencyList, type ReactNode } from "react"
import { useNavigate } from "react-router-dom"
import { Pager, type PageState } from "./pager"
import { EmptyRow, QueryState, type Loadable } from "./query-state"
import { SectionHeading } from "./section-heading"

/** A list read one page at a time from the server: the page shown, how to turn it, and the total count. */
export type ServerPagination = {
  state: DataTablePaginationState
  onChange: (state: DataTablePaginationState) => void
  /** All rows on the server, not just this page's. */
  count: number
  /**
   * A placeholder page shows (the query's previous page): the list dims and
   * a page turn waits for the data, so a fast double click never skips a page.
   */
  waiting?: boolean
}

/** The page shown of a server-paged list, how to turn it, and how to go back to the first page (a filter changed). */
export type ServerPage = {
  state: DataTablePaginationState
  setState: (state: DataTablePaginationState) => void
  first: () => void
}

/** A server-paged list's page, from the first, `pageSize` rows a page. */
export const useServerPage = (pageSize: number): ServerPage => {
  const [state, setState] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize })
  return { state, setState, first: () => setState((current) => ({ ...current, pageIndex: 0 })) }
}

/** The `count` of a paged route's answer (`{ <list>, count, limit, offset }`), else the rows shown. */
const countOf = (data: unknown, shown: number) =>
  typeof data === "object" && data !== null && "count" in data && typeof data.count === "number" ? data.count : shown

/**
 * A table's columns, made with the column helper of its row type, and made
 * again only when `deps` change (columns of a new identity redraw every row).
 */
export const useColumns = <T,>(
  make: (column: ReturnType<typeof createDataTableColumnHelper<T>>) => DataTableColumnDef<T, any>[],
  deps: DependencyList
) => useMemo(() => make(createDataTableColumnHelper<T>()), deps)

/** A loyalty list's rows and columns. */
type LoyaltyDataTableProps<T> = {
  testId: string
  data: T[]
  // Columns of different value types, as the helper makes them (the dashboard types them so too).
  columns: DataTableColumnDef<T, any>[]
  getRowId: (row: T) => string
  /** Makes the rows clickable (a pointer over them). */
  onRowClick?: (row: T) => void
}

/**
 * DataTable types a clicked row as the data item but hands over react-table's
 * Row, whose `original` is the item (@medusajs/ui 2.x); either way, the item.
 */
function originalOf<T>(row: T): T {
  const clicked: unknown = row
  return typeof clicked === "object" && clicked !== null && "original" in clicked ? (clicked.original as T) : row
}

/**
 * A loyalty list as Medusa's dashboard draws its lists: `@medusajs/ui`'s
 * DataTable over columns made with `createDataTableColumnHelper`. Without
 * `pagination` the rows are the whole list (the short lists read in one
 * call); with it they are one page of the server's, and DataTable's own
 * pagination footer turns the page. The wrapper carries the list's test id
 * (the DataTable itself takes none, nor do its rows: a test finds them as
 * `[data-testid=<list>] tbody tr`); `dimmed` while a placeholder page shows.
 */
export function LoyaltyDataTable<T>({
  testId,
  data,
  columns,
  getRowId,
  pagination,
  dimmed,
  onRowClick,
}: LoyaltyDataTableProps<T> & { pagination?: ServerPagination; dimmed?: boolean }) {
  const instance = useDataTable<T>({
    data,
    columns,
    getRowId,
    rowCount: pagination ? pagination.count : data.length,
    pagination: pagination && {
      state: pagination.state,
      onPaginationChange: (next) => !pagination.waiting && pagination.onChange(next),
    },
    onRowClick: onRowClick && ((_event, row) => onRowClick(originalOf(row))),
  })
  return (
    <div data-testid={testId} className={clx("overflow-x-auto", (dimmed || pagination?.waiting) && "opacity-60")}>
      <DataTable instance={instance}>
        <DataTable.Table />
        {pagination && <DataTable.Pagination />}
      </DataTable>
    </div>
  )
}

/**
 * A list as its page shows it: its query loading and failing as every page
 * shows them ("Loading <what>…", "Could not load the <what>"), then `empty`
 * when `rows` finds nothing (a line with the test id `<list>-empty` for a
 * `<list>-table`), else the rows in a LoyaltyDataTable. With `page`, the
 * rows are the page the query read of a paged route (which answers the
 * total as `count`), and a placeholder page (the query's previous one, while
 * the next loads) dims the list and holds the page turns.
 */
export function QueryDataTable<D, T>({
  query,
  what,
  rows,
  empty,
  page,
  ...table
}: Omit<LoyaltyDataTableProps<T>, "data"> & {
  query: Loadable<D> & { isPlaceholderData?: boolean }
  /** What the list holds, plural: "rewards". */
  what: string
  rows: (data: D) => T[]
  empty: ReactNode
  page?: ServerPage
}) {
  return (
    <QueryState query={query} loading={`Loading ${what}…`} failed={`Could not load the ${what}`}>
      {(data) =>
        rows(data).length === 0 ? (
          <EmptyRow testId={table.testId.replace(/-table$/, "-empty")}>{empty}</EmptyRow>
        ) : (
          <LoyaltyDataTable
            {...table}
            data={rows(data)}
            pagination={
              page && {
                state: page.state,
                onChange: page.setState,
                count: countOf(data, rows(data).length),
                waiting: query.isPlaceholderData,
              }
            }
          />
        )
      }
    </QueryState>
  )
}

/**
 * A list the server pages without a total (`has_more`: the ledger and the
 * tier history count nothing, so a page costs the same however long the
 * history is): the page's rows in a LoyaltyDataTable, dimmed while a
 * placeholder page shows, with Previous / Next under it on every page
 * (`pager.always`) or once there is more than one; `empty` when the first
 * page has nothing.
 */
export function PagedDataTable<T>({
  page,
  empty,
  pager,
  ...table
}: LoyaltyDataTableProps<T> & {
  page: PageState
  empty: ReactNode
  pager?: { always?: boolean; testIdPrefix?: string }
}) {
  if (page.page === 0 && table.data.length === 0) {
    return (
      <div className="px-6 py-4">
        <Text size="small" className="text-ui-fg-muted">
          {empty}
        </Text>
      </div>
    )
  }
  return (
    <div>
      <LoyaltyDataTable {...table} dimmed={page.isFetching} />
      {(pager?.always || page.page > 0 || page.hasMore) && (
        <Pager
          label={`Page ${page.page + 1}`}
          page={page.page}
          hasNext={page.hasMore}
          isFetching={page.isFetching}
          onPage={page.onPage}
          testIdPrefix={pager?.testIdPrefix}
        />
      )}
    </div>
  )
}

/** A list's heading, with what the list shows under it, and its filters or actions on the right. */
export const ListHeader = ({ title, description, children }: { title: string; description?: string; children: ReactNode }) => (
  <div className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
    <SectionHeading title={title}>{description}</SectionHeading>
    {children}
  </div>
)

/**
 * A row's Edit and Delete icon buttons: Edit opens the row's edit route
 * (`<id>/edit` under the list, a drawer over it), Delete calls `onDelete`
 * (which asks first).
 */
export const EditDeleteButtons = ({
  id,
  name,
  onDelete,
  testIdPrefix,
}: {
  id: string
  /** Names the buttons for screen readers: "Edit <name>". */
  name: string
  onDelete: () => void
  /** Gives the buttons `<prefix>-edit` / `<prefix>-delete` test ids. */
  testIdPrefix?: string
}) => {
  const navigate = useNavigate()
  return (
    <div className="flex justify-end gap-x-1">
      <IconButton
        size="small"
        variant="transparent"
        aria-label={`Edit ${name}`}
        data-testid={testIdPrefix && `${testIdPrefix}-edit`}
        onClick={() => navigate(`${id}/edit`)}
      >
        <PencilSquare />
      </IconButton>
      <IconButton
        size="small"
        variant="transparent"
        aria-label={`Delete ${name}`}
        data-testid={testIdPrefix && `${testIdPrefix}-delete`}
        onClick={onDelete}
      >
        <Trash />
      </IconButton>
    </div>
  )
}
