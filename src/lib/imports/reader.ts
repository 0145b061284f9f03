import { parse } from "csv-parse"
import type { Readable } from "stream"
import { DetectedFormat, detectFormat, isProblem, mapRecord, RowProblem } from "./formats"
import { NumberedRow, OccurrenceCounter } from "./plan"

/** The header row fits no known format; the message says what is missing. */
export class ImportFormatError extends Error {}

export type ImportBatch = {
  format: DetectedFormat
  rows: NumberedRow[]
  problems: RowProblem[]
  /** Bytes of the file read so far (for a progress bar). */
  bytes: number
}

/** A record larger than this is refused (a broken quote swallowing the file), so memory stays bounded. */
const MAX_RECORD_BYTES = 64 * 1024

/**
 * Stream a CSV file as batches of mapped rows. csv-parse reads the header,
 * the format is told from it, and every record becomes a numbered row or a
 * bad row with its line and reason (a record csv-parse cannot read, such as
 * an unclosed quote, is a bad row too, not the end of the import). The
 * source is pulled as batches are consumed: one batch is in memory at a time.
 */
export async function* readImportBatches(
  source: Readable,
  options: { batch_size: number; now: Date }
): AsyncGenerator<ImportBatch> {
  let format: DetectedFormat | null = null
  const skipped: RowProblem[] = []
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const detected = detectFormat(header)
      if ("error" in detected) throw new ImportFormatError(detected.error)
      format = detected
      return header
    },
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    info: true,
  })
  parser.on("skip", (error: Error & { lines?: number }) => {
    skipped.push({ line: error.lines ?? 0, reason: `unreadable CSV: ${error.message}` })
  })
  source.on("error", (error) => parser.destroy(error))
  source.pipe(parser)

  const counter = new OccurrenceCounter()
  let batch: ImportBatch | null = null
  const start = (bytes: number): ImportBatch => ({ format: format!, rows: [], problems: skipped.splice(0), bytes })
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>
      info: { lines: number; bytes: number }
    }>) {
      batch ??= start(info.bytes)
      batch.problems.push(...skipped.splice(0))
      const mapped = mapRecord(record, format!.columns, info.lines, options.now)
      if (isProblem(mapped)) batch.problems.push(mapped)
      else batch.rows.push({ ...mapped, ...counter.next(mapped.email, mapped.points) })
      batch.bytes = info.bytes
      if (batch.rows.length + batch.problems.length >= options.batch_size) {
        yield batch
        batch = null
      }
    }
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause
    if (error instanceof ImportFormatError) throw error
    if (cause instanceof ImportFormatError) throw cause
    throw new ImportFormatError(`The file could not be read as CSV: ${(error as Error).message}`)
  }
  if (!format) throw new ImportFormatError("The file is empty: it needs a header row")
  if (batch || skipped.length) {
    yield batch ? { ...batch, problems: [...batch.problems, ...skipped] } : start(parser.info.bytes)
  }
}
