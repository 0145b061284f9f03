import { DataTable, clx, useDataTable, type DataTableColumnDef, type DataTablePaginationState } from "@medusajs/ui"

/** A list read one page at a time from the server: the page shown, how to turn it, and the total count. */
export type ServerPagination = {
  state: DataTablePaginationState
  onChange: (state: DataTablePaginationState) => void
  /** All rows on the server, not just this page's. */
  count: number
}

/**
 * A loyalty list as Medusa's dashboard draws its lists: `@medusajs/ui`'s
 * DataTable over columns made with `createDataTableColumnHelper`. Without
 * `pagination` the rows are the whole list (the short lists read in one
 * call); with it they are one page of the server's, and DataTable's own
 * pagination footer turns the page. The wrapper carries the list's test id
 * (the DataTable itself takes none); `dimmed` while a placeholder page shows.
 */
export function LoyaltyDataTable<T>({
  testId,
  data,
  columns,
  getRowId,
  pagination,
  dimmed,
}: {
  testId: string
  data: T[]
  // Columns of different value types, as the helper makes them (the dashboard types them so too).
  columns: DataTableColumnDef<T, any>[]
  getRowId: (row: T) => string
  pagination?: ServerPagination
  dimmed?: boolean
}) {
  const instance = useDataTable({
    data,
    columns,
    getRowId,
    rowCount: pagination ? pagination.count : data.length,
    pagination: pagination && { state: pagination.state, onPaginationChange: pagination.onChange },
  })
  return (
    <div data-testid={testId} className={clx("overflow-x-auto", dimmed && "opacity-60")}>
      <DataTable instance={instance}>
        <DataTable.Table />
        {pagination && <DataTable.Pagination />}
      </DataTable>
    </div>
  )
}
