import { Container, Heading, Table, Text } from "@medusajs/ui"
import type { ComponentType, FormEvent, ReactNode } from "react"
import { formatDateTime } from "../lib/format"
import type { ProgramInts, ProgramSpec } from "../lib/form"
import { FormFooter, InputField } from "./form-field"
import { LoyaltySettingsNav } from "./loyalty-settings-nav"
import { QueryState } from "./query-state"
import { SectionHeading } from "./section-heading"
import { TableHead } from "./table-head"

type Versioned = { program: { version: number } }

/**
 * A settings page that edits a versioned program (the loyalty program, the
 * referral program): the settings tabs, then the editor once the program is
 * loaded, then anything else the page lists. The editor is keyed by the
 * version, so a save (a new version) re-initialises its form; the query does
 * not refetch on focus, or a refetch would reset the edits.
 */
export function ProgramSettingsPage<D extends Versioned>({
  program,
  editor: Editor,
  children,
}: {
  program: Pick<ProgramSpec<D, never>, "what" | "useQuery">
  editor: ComponentType<{ data: D }>
  children?: ReactNode
}) {
  const { what } = program
  const query = program.useQuery({ refetchOnWindowFocus: false })
  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      <QueryState query={query} boxed loading={`Loading the ${what}…`} failed={`Could not load the ${what}`}>
        {(data) => <Editor key={data.program.version} data={data} />}
      </QueryState>
      {children}
    </div>
  )
}

/** A program form's title with its version (and when it was saved); version 0 is the plugin options. */
const ProgramVersionHeader = ({
  title,
  testId,
  version,
  savedAt,
  unsaved,
  children,
}: {
  title: string
  testId: string
  version: number
  savedAt?: string | null
  /** What version 0 is, e.g. "the plugin's default rules". */
  unsaved: string
  /** Controls on the right (the program's on/off switch, say). */
  children?: ReactNode
}) => (
  <div className="flex items-start justify-between gap-x-4 px-6 py-4">
    <SectionHeading level="h1" title={title} testId={testId}>
      {version > 0
        ? `Version ${version}${savedAt ? `, saved ${formatDateTime(savedAt)}` : ""}`
        : `Version 0: ${unsaved}, not saved yet`}
    </SectionHeading>
    {children}
  </div>
)

/**
 * A versioned program's form: its title with the version, the sections, then
 * the save bar (`useProgramForm`'s, with `testId`: the version line is
 * `<testId>-version`, the Save button `<testId>-save`).
 */
export const ProgramEditorForm = ({
  title,
  testId,
  savedAt,
  unsaved,
  controls,
  version,
  onSubmit,
  dirty,
  isPending,
  onReset,
  children,
}: {
  title: string
  testId: string
  savedAt?: string | null
  unsaved: string
  /** Controls right of the title (the program's on/off switch, say). */
  controls?: ReactNode
  version: number
  onSubmit: (e: FormEvent<HTMLFormElement>) => void
  dirty: boolean
  isPending: boolean
  onReset: () => void
  children: ReactNode
}) => (
  <Container className="divide-y p-0">
    <form onSubmit={onSubmit} noValidate className="divide-y">
      <ProgramVersionHeader title={title} testId={`${testId}-version`} version={version} savedAt={savedAt} unsaved={unsaved}>
        {controls}
      </ProgramVersionHeader>
      {children}
      <FormFooter dirty={dirty} isPending={isPending} onReset={onReset} saveTestId={`${testId}-save`} />
    </form>
  </Container>
)

/** Whole-number fields of a program form, within the server's bounds (`useProgramForm`'s `intFields`). */
export const ProgramIntFields = <I extends string>({
  fields,
  rules,
  labels,
  field,
}: ProgramInts<I> & {
  fields: I[]
  field: (key: I) => { id: string; testId: string; value: string; onChange: (value: string) => void; error?: string }
}) => (
  <>
    {fields.map((key) => (
      <InputField key={key} {...labels[key]} number="int" {...rules[key]} {...field(key)} />
    ))}
  </>
)

/** One section of a program form: its title, what it is about, then its fields. */
export const FormSection = ({
  title,
  description,
  tight,
  children,
}: {
  title: string
  description?: ReactNode
  /** Closer spacing, for a section that is one table. */
  tight?: boolean
  children: ReactNode
}) => (
  <div className={`flex flex-col ${tight ? "gap-y-3" : "gap-y-4"} px-6 py-4`}>
    {description ? <SectionHeading title={title}>{description}</SectionHeading> : <Heading level="h2">{title}</Heading>}
    {children}
  </div>
)

/**
 * A program's settings per currency: a row per currency (marked when the
 * store does not sell in it), a cell per setting from `cells`.
 */
export const CurrencyTable = ({
  testId,
  codes,
  columns,
  storeCodes,
  cells,
}: {
  testId: string
  codes: string[]
  /** The settings' column labels, after "Currency". */
  columns: string[]
  /** When given, currencies outside it are marked "Not a store currency". */
  storeCodes?: Set<string>
  cells: (code: string, upper: string) => ReactNode[]
}) => (
  <Table data-testid={testId}>
    <TableHead columns={["Currency", ...columns]} />
    <Table.Body>
      {codes.map((code) => {
        const upper = code.toUpperCase()
        return (
          <Table.Row key={code} className="[&_td]:align-top">
            <Table.Cell className="py-3">
              <Text size="small" weight="plus">
                {upper}
              </Text>
              {storeCodes && !storeCodes.has(code) && (
                <Text size="xsmall" className="text-ui-fg-muted">
                  Not a store currency
                </Text>
              )}
            </Table.Cell>
            {cells(code, upper).map((cell, i) => (
              <Table.Cell key={i} className="py-3">
                {cell}
              </Table.Cell>
            ))}
          </Table.Row>
        )
      })}
    </Table.Body>
  </Table>
)
