import { createHash } from "crypto"
import { createReadStream, statSync, writeFileSync } from "fs"
import { basename, resolve } from "path"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { reportLists } from "../lib/imports/report"
import { pointsService } from "../workflows/points/steps/resolve-service"
import { createMemberImportWorkflow, runMemberImport } from "../workflows/imports"

const USAGE =
  "usage: npx medusa exec <path to import-members script> <file.csv> [dry-run] [repeat-members] [key=<import key>]\n" +
  "  dry-run          report what the import would do, write nothing\n" +
  "  repeat-members   credit members an earlier import (another key) already credited (default: skip them)\n" +
  "  key=<import key> continue an earlier import under its key (default: the file's SHA-256)"

const FLAGS = ["dry-run", "--dry-run", "repeat-members", "--repeat-members"]

/** The file's SHA-256, read as a stream: the default import key, so the same file imports once. */
async function fileHash(path: string): Promise<string> {
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest("hex")
}

/**
 * The member import from the command line, for files too large for a browser
 * upload: the same import runs, workflows and report as Settings → Loyalty →
 * Import, read from the file as a stream. In the plugin's own repository:
 * `npx medusa exec ./src/scripts/import-members.ts members.csv dry-run`; in a
 * store that installed the plugin, the built script under
 * `node_modules/medusa-plugin-loyalty-points/.medusa/server/src/scripts/`.
 * Medusa's CLI refuses unknown `--options`, so the flags are plain words.
 * `IMPORT_REPORT_FILE=<path>` also writes the run and the peak memory as JSON
 * (the benchmark reads it).
 */
export default async function importMembers({ container, args }: ExecArgs) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const [file, ...flags] = args ?? []
  const unknown = flags.filter((flag) => !FLAGS.includes(flag) && !flag.startsWith("key="))
  if (!file || unknown.length) {
    logger.error(unknown.length ? `Unknown argument ${unknown.join(" ")}\n${USAGE}` : USAGE)
    process.exitCode = 2
    return
  }
  const path = resolve(process.cwd(), file)
  const dryRun = flags.includes("dry-run") || flags.includes("--dry-run")
  const repeatMembers = flags.includes("repeat-members") || flags.includes("--repeat-members")
  const rssBefore = process.memoryUsage().rss
  let peakRss = rssBefore
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
  const started = Date.now()
  const importKey = flags.find((flag) => flag.startsWith("key="))?.slice(4) ?? (await fileHash(path))
  const { result: created } = await createMemberImportWorkflow(container).run({
    input: {
      import_key: importKey,
      file_name: basename(path),
      dry_run: dryRun,
      repeat_members: repeatMembers,
      bytes_total: statSync(path).size,
      actor_id: null,
    },
  })
  logger.info(`${dryRun ? "Dry run" : "Import"} ${created.id} of ${basename(path)} (key ${importKey})`)
  const progress = setInterval(async () => {
    const run = await pointsService(container).retrieveMemberImport(created.id)
    const share = run.bytes_total ? Math.round((100 * run.bytes_read) / run.bytes_total) : 0
    logger.info(`${share}% · ${run.rows_total} rows · ${run.rows_imported} imported · ${run.rows_already} already · ${run.rows_bad} bad`)
  }, 5_000)
  try {
    const run = await runMemberImport(container, created.id, createReadStream(path))
    const seconds = (Date.now() - started) / 1000
    const { bad_rows, unknown_emails, earlier_members, value } = reportLists(run)
    const earlierDates = [...new Set(earlier_members.map((m) => m.imported_at.slice(0, 10)))].join(", ")
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    const lines = [
      `${run.dry_run ? "Dry run" : "Import"} ${run.id}: ${run.status}, format ${run.format}, ${seconds.toFixed(1)} s`,
      `rows ${run.rows_total}: ${run.rows_matched} members, ${run.rows_unknown} unknown emails, ${run.rows_bad} bad rows`,
      `${run.dry_run ? "would credit" : "credited"} ${run.points} points in ${run.dry_run ? "" : `${run.rows_imported} `}rows` +
        ` (value ${Object.entries(value).map(([c, v]) => `${v} ${c.toUpperCase()}`).join(", ") || "none"});` +
        ` already imported ${run.rows_already} rows, ${run.points_already} points`,
      `tiers ${run.tiers_set}, birthdays ${run.birthdays_set}`,
      ...(run.members_earlier
        ? [
            `${run.members_earlier} members already received points from an earlier import${earlierDates ? ` on ${earlierDates}` : ""}:` +
              ` skipped (${run.rows_earlier} rows, ${run.points_earlier} points); add repeat-members to credit them again`,
          ]
        : []),
      ...earlier_members.slice(0, 20).map((m) => `imported earlier, line ${m.line}: ${m.email} (${m.points} points, import ${m.import_id} on ${m.imported_at})`),
      ...bad_rows.slice(0, 20).map((bad) => `bad row, line ${bad.line}: ${bad.reason}`),
      ...unknown_emails.slice(0, 20).map((u) => `unknown email, line ${u.line}: ${u.email}`),
    ]
    for (const line of lines) logger.info(line)
    if (process.env.IMPORT_REPORT_FILE) {
      writeFileSync(
        process.env.IMPORT_REPORT_FILE,
        JSON.stringify({ run, seconds, rss_before_mb: rssBefore / 2 ** 20, peak_rss_mb: peakRss / 2 ** 20, max_rss_process_mb: process.resourceUsage().maxRSS / 1024 })
      )
    }
  } finally {
    clearInterval(progress)
    clearInterval(sampler)
  }
}
