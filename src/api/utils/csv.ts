import { Readable } from "stream"
import { pipeline } from "stream/promises"
import { stringify } from "csv-stringify"
import { MedusaResponse } from "@medusajs/framework/http"

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

/**
 * Stream `rows` to the response as a CSV download with a header line: the
 * rows are pulled from the async reader only as fast as the client reads
 * (csv-stringify behind `pipeline` honours backpressure), so an export never
 * holds the whole table in memory. A failure after the first bytes can only
 * cut the download short; the route validates everything before it starts.
 */
export async function streamCsv<T extends Record<string, unknown>>(
  res: MedusaResponse,
  filename: string,
  columns: readonly (keyof T & string)[],
  rows: AsyncIterable<T>
): Promise<void> {
  res.setHeader("Content-Type", "text/csv; charset=utf-8")
  res.setHeader("Content-Disposition", `attachment; filename="${filename}"`)
  res.setHeader("Cache-Control", "no-store")
  await pipeline(Readable.from(rows), stringify({ header: true, columns: [...columns], cast, record_delimiter: "\r\n" }), res)
}
