import { Readable, Writable } from "stream"
import { pipeline } from "stream/promises"
import { stringify } from "csv-stringify"

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) gets a
 * leading apostrophe (CSV injection). Numbers are written as they are.
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

const cast = {
  string: (value: string) => safeCell(value),
  date: (value: Date) => value.toISOString(),
  boolean: (value: boolean) => (value ? "true" : "false"),
  object: (value: object) => safeCell(JSON.stringify(value)),
}

/** Where a CSV goes: an HTTP response (Medusa's), or any writable with headers. */
export type CsvTarget = Writable & { setHeader(name: string, value: string): unknown; headersSent?: boolean }

/**
 * Stream `rows` to the response as a CSV download with a header line: the
 * rows are pulled from the async reader only as fast as the client reads
 * (csv-stringify behind `pipeline` honours backpressure), so an export never
 * holds the whole table in memory. The route validates everything before the
 * first byte; a failure after it (or a client that goes away) can only cut
 * the download short, so the response is destroyed rather than answered.
 */
export async function streamCsv<T extends Record<string, unknown>>(
  res: CsvTarget,
  filename: string,
  columns: readonly (keyof T & string)[],
  rows: AsyncIterable<T>
): Promise<void> {
  res.setHeader("Content-Type", "text/csv; charset=utf-8")
  res.setHeader("Content-Disposition", `attachment; filename="${filename}"`)
  res.setHeader("Cache-Control", "no-store")
  try {
    await pipeline(Readable.from(rows), stringify({ header: true, columns: [...columns], cast, record_delimiter: "\r\n" }), res)
  } catch (error) {
    if (!res.headersSent) throw error
    res.destroy(error instanceof Error ? error : new Error(String(error)))
  }
}
