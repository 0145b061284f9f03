import { Table, Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/** A column heading: its label, right-aligned for numbers. */
export type Column = string | { label: string; right: true }

/** The header row of a loyalty table, from its column labels ("" for an unlabelled actions column). */
export const TableHead = ({ columns }: { columns: Column[] }) => (
  <Table.Header>
    <Table.Row>
      {columns.map((column, i) =>
        typeof column === "string" ? (
          <Table.HeaderCell key={i}>{column}</Table.HeaderCell>
        ) : (
          <Table.HeaderCell key={i} className="text-right">
            {column.label}
          </Table.HeaderCell>
        )
      )}
    </Table.Row>
  </Table.Header>
)

/**
 * A loyalty list: a scrolling table with its header row; the rows are the
 * children. One place for every list's frame, so they all scroll and read alike.
 */
export const ListTable = ({
  testId,
  className,
  columns,
  children,
}: {
  testId: string
  className?: string
  columns: Column[]
  children: ReactNode
}) => (
  <div className="overflow-x-auto">
    <Table data-testid={testId} className={className}>
      <TableHead columns={columns} />
      <Table.Body>{children}</Table.Body>
    </Table>
  </div>
)

/** A row of plain cells, in column order. */
export const CellsRow = ({ cells, testId }: { cells: ReactNode[]; testId?: string }) => (
  <Table.Row data-testid={testId}>
    {cells.map((cell, i) => (
      <Table.Cell key={i}>{cell}</Table.Cell>
    ))}
  </Table.Row>
)

/** A name and, under it in small subtle text, what it is (a cell's content, in a DataTable too). */
export const NameWithNote = ({ name, note }: { name: ReactNode; note?: ReactNode }) => (
  <div className="flex flex-col">
    <span>{name}</span>
    {note && (
      <Text size="xsmall" className="text-ui-fg-subtle">
        {note}
      </Text>
    )}
  </div>
)

/** A cell with a name and, under it in small subtle text, what it is. */
export const NameCell = (props: { name: ReactNode; note?: ReactNode }) => (
  <Table.Cell>
    <NameWithNote {...props} />
  </Table.Cell>
)
