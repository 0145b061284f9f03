import { Badge, Button, Container, Heading, Table, Text, toast } from "@medusajs/ui"
import { useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useRef, useState } from "react"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { TableHead } from "../../../../components/table-head"
import { memberImportApi, type MemberImportRun } from "../../../../lib/import-api"
import { getErrorMessage } from "../../../../lib/loyalty-api"
import { formatDateTime } from "../../../../lib/format"
import { SectionHeading } from "../../../../components/section-heading"

const RUNS_KEY = ["loyalty", "imports"]
const n = (value: number) => value.toLocaleString()

const progressOf = (run: MemberImportRun) =>
  run.status === "done" ? 100 : run.bytes_total ? Math.min(99, Math.floor((100 * run.bytes_read) / run.bytes_total)) : 0

const ProgressBar = ({ run }: { run: MemberImportRun }) => {
  const percent = progressOf(run)
  return (
    <div className="flex flex-col gap-y-1" data-testid="import-progress">
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 w-full overflow-hidden rounded-full bg-ui-bg-subtle"
      >
        <div className="h-2 bg-ui-fg-interactive transition-all" style={{ width: `${percent}%` }} />
      </div>
      <Text size="xsmall" className="text-ui-fg-subtle">
        {percent} % · {n(run.rows_total)} rows read
      </Text>
    </div>
  )
}

/**
 * "N members already received points from an earlier import on <date>", one
 * sentence per earlier run (from the listed members; the count is complete).
 */
function earlierImportsSentence(run: MemberImportRun): string | null {
  if (!run.members_earlier) return null
  const dates = [...new Set((run.earlier_members ?? []).map((m) => new Date(m.imported_at).toLocaleDateString()))]
  const who = run.members_earlier === 1 ? "1 member already received" : `${n(run.members_earlier)} members already received`
  return (
    `${who} points from an earlier import${dates.length ? ` on ${dates.join(", ")}` : ""}: ` +
    (run.repeat_members
      ? "they were credited again, as asked."
      : `${run.dry_run ? "they will be skipped" : "they were skipped"} (${n(run.rows_earlier)} rows, ${n(run.points_earlier)} points). ` +
        "To credit them again, tick “Credit members again” and run it again.")
  )
}

/** What a dry run found, or what an import did. */
const Report = ({ run }: { run: MemberImportRun }) => {
  const value = Object.entries(run.value ?? {})
    .map(([currency, amount]) => `${amount} ${currency.toUpperCase()}`)
    .join(", ")
  const figures: [string, string][] = [
    ["Format", run.format ?? "—"],
    ["Rows", n(run.rows_total)],
    ["Members matched", n(run.rows_matched)],
    ["Unknown emails", n(run.rows_unknown)],
    ["Bad rows", n(run.rows_bad)],
    ["Already imported", `${n(run.rows_already)} rows, ${n(run.points_already)} points`],
    ["Imported earlier", `${n(run.members_earlier)} members skipped: ${n(run.rows_earlier)} rows, ${n(run.points_earlier)} points`],
    [run.dry_run ? "Points to credit" : "Points credited", `${n(run.points)}${value ? ` (${value})` : ""}`],
    [
      run.dry_run ? "Rows to credit" : "Rows credited",
      n(run.dry_run ? run.rows_matched - run.rows_already - run.rows_earlier : run.rows_imported),
    ],
    [run.dry_run ? "Tiers to set" : "Tiers set", n(run.tiers_set)],
    [run.dry_run ? "Birthdays to set" : "Birthdays set", n(run.birthdays_set)],
  ]
  const lists: [string, { line: number; text: string }[]][] = [
    ["Bad rows", (run.bad_rows ?? []).map((r) => ({ line: r.line, text: r.reason }))],
    ["Unknown emails", (run.unknown_emails ?? []).map((r) => ({ line: r.line, text: r.email }))],
    ["Notes", (run.notes ?? []).map((r) => ({ line: r.line, text: r.reason }))],
    [
      "Imported earlier",
      (run.earlier_members ?? []).map((m) => ({
        line: m.line,
        text: `${m.email}: ${n(m.points)} points from import ${m.import_id} on ${formatDateTime(m.imported_at)}`,
      })),
    ],
  ]
  const earlier = earlierImportsSentence(run)
  return (
    <div className="flex flex-col gap-y-3" data-testid={run.dry_run ? "import-dry-run-report" : "import-report"}>
      <div className="flex items-center gap-x-2">
        <Heading level="h2">{run.dry_run ? "Dry run" : "Import"}</Heading>
        <Badge color={run.status === "done" ? "green" : run.status === "failed" ? "red" : "orange"} data-testid="import-status">
          {run.status}
        </Badge>
      </div>
      {run.error && <Text className="text-ui-fg-error">{run.error}</Text>}
      {earlier && (
        <Text size="small" className="text-ui-fg-subtle" data-testid="import-earlier">
          {earlier}
        </Text>
      )}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm">
        {figures.map(([label, text]) => (
          <div key={label} className="contents">
            <dt className="text-ui-fg-subtle">{label}</dt>
            <dd data-testid={`import-figure-${label.toLowerCase().replace(/\W+/g, "-")}`}>{text}</dd>
          </div>
        ))}
      </dl>
      {lists
        .filter(([, items]) => items.length)
        .map(([title, items]) => (
          <div key={title}>
            <Text size="small" weight="plus">{title} (first {items.length})</Text>
            <Table data-testid={`import-list-${title.toLowerCase().replace(/\W+/g, "-")}`}>
              <TableHead columns={["Line", title === "Unknown emails" ? "Email" : title === "Imported earlier" ? "Member" : "Reason"]} />
              <Table.Body>
                {items.slice(0, 50).map((item, i) => (
                  <Table.Row key={`${item.line}-${i}`}>
                    <Table.Cell>{item.line}</Table.Cell>
                    <Table.Cell>{item.text}</Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          </div>
        ))}
    </div>
  )
}

/**
 * Settings → Loyalty → Import: bring members' balances, tiers, birthdays and
 * expiry dates from Smile.io, LoyaltyLion, Yotpo or a generic CSV. A dry run
 * first reports what would happen; the import then credits the points.
 * The server keys the run by the file's content, so re-importing the same
 * file changes nothing, and members an earlier import already credited (a
 * changed copy of the file) are skipped and listed unless "Credit members
 * again" is ticked. The file streams to the server; the page polls the run
 * for the progress bar.
 */
const LoyaltyImportPage = () => {
  const queryClient = useQueryClient()
  const [file, setFile] = useState<File | null>(null)
  const [dryRun, setDryRun] = useState<MemberImportRun | null>(null)
  const [current, setCurrent] = useState<MemberImportRun | null>(null)
  const [busy, setBusy] = useState(false)
  const [repeatMembers, setRepeatMembers] = useState(false)
  const poll = useRef<ReturnType<typeof setInterval> | null>(null)
  const runs = useQuery({ queryKey: RUNS_KEY, queryFn: memberImportApi.list })

  useEffect(() => () => {
    if (poll.current) clearInterval(poll.current)
  }, [])

  const start = async (dry_run: boolean) => {
    if (!file) return
    setBusy(true)
    try {
      const { import: created } = await memberImportApi.create({
        file_name: file.name,
        dry_run,
        bytes_total: file.size,
        repeat_members: repeatMembers,
      })
      setCurrent(created)
      poll.current = setInterval(async () => {
        const { import: latest } = await memberImportApi.get(created.id)
        setCurrent((shown) => (shown?.id === latest.id && shown.status !== "done" && shown.status !== "failed" ? latest : shown))
      }, 500)
      let finished: MemberImportRun
      try {
        finished = (await memberImportApi.upload(created.id, file)).import
      } catch (error) {
        finished = (await memberImportApi.get(created.id)).import
        toast.error(getErrorMessage(error))
      }
      setCurrent(finished)
      if (dry_run) setDryRun(finished.status === "done" ? finished : null)
      if (!dry_run && finished.status === "done") toast.success(`Imported ${n(finished.rows_imported)} rows, ${n(finished.points)} points`)
    } catch (error) {
      toast.error(getErrorMessage(error))
    } finally {
      if (poll.current) clearInterval(poll.current)
      poll.current = null
      setBusy(false)
      queryClient.invalidateQueries({ queryKey: RUNS_KEY })
    }
  }

  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      <Container className="flex flex-col gap-y-4 px-6 py-4" data-testid="loyalty-import">
        <SectionHeading level="h1" title="Import members">
          A customer export of Smile.io, LoyaltyLion or Yotpo Loyalty, or a CSV with the columns{" "}
          <code>email,points[,tier][,expires_at][,birthday]</code>. Members are matched by email (customers with an
          account). Each row becomes one credit with reason <code>import</code> and its own expiry (else the program's).
          Run a dry run first. Importing the same file again changes nothing, and members who already received points
          from an earlier import (a corrected or re-downloaded copy of the file) are skipped and listed, unless you
          tick “Credit members again”. For files of more than a few MB, use the
          command line (<code>medusa exec</code>, see the README).
        </SectionHeading>
        <div className="flex flex-wrap items-center gap-3">
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="import-file"
            disabled={busy}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null)
              setDryRun(null)
              setCurrent(null)
            }}
          />
          <label className="flex items-center gap-x-2 text-sm" title="For a second batch of points on purpose: members an earlier import credited are credited again">
            <input
              type="checkbox"
              data-testid="import-repeat-members"
              checked={repeatMembers}
              disabled={busy}
              onChange={(e) => {
                setRepeatMembers(e.target.checked)
                setDryRun(null)
              }}
            />
            Credit members again who already received points from an earlier import (a second batch on purpose)
          </label>
          <Button size="small" variant="secondary" disabled={!file || busy} onClick={() => start(true)} data-testid="import-dry-run">
            Dry run
          </Button>
          <Button size="small" disabled={!file || busy || !dryRun} onClick={() => start(false)} data-testid="import-run">
            Import
          </Button>
        </div>
        {current && (current.status === "created" || current.status === "running") && <ProgressBar run={current} />}
        {current && current.status !== "created" && current.status !== "running" && <Report run={current} />}
      </Container>
      <Container className="divide-y p-0">
        <SectionHeading title="Recent imports" className="px-6 py-4" />
        {runs.isError ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-error">Could not load the imports: {getErrorMessage(runs.error)}</Text>
        ) : !runs.data?.imports.length ? (
          <Text size="small" className="px-6 py-4 text-ui-fg-subtle">{runs.isPending ? "Loading…" : "No imports yet."}</Text>
        ) : (
          <Table data-testid="import-runs">
            <TableHead columns={["When", "File", "Kind", "Status", { label: "Rows", right: true }, { label: "Points", right: true }]} />
            <Table.Body>
              {runs.data.imports.map((run) => (
                <Table.Row key={run.id}>
                  <Table.Cell>{formatDateTime(run.created_at)}</Table.Cell>
                  <Table.Cell>{run.file_name ?? run.import_key?.slice(0, 12) ?? "—"}</Table.Cell>
                  <Table.Cell>{run.dry_run ? "dry run" : "import"}</Table.Cell>
                  <Table.Cell>{run.status}</Table.Cell>
                  <Table.Cell className="text-right">{n(run.rows_total)}</Table.Cell>
                  <Table.Cell className="text-right">{n(run.points)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        )}
      </Container>
    </div>
  )
}

export default LoyaltyImportPage
