import { Table } from "@medusajs/ui"

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
