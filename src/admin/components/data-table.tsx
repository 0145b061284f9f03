import { PencilSquare, Trash } from "@medusajs/icons"
import { DataTable, IconButton, clx, useDataTable, type DataTableColumnDef, type DataTablePaginationState } from "@medusajs/ui"
import { useNavigate } from "react-router-dom"

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
