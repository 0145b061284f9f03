import { PassThrough } from "stream"
import { parse } from "csv-parse/sync"
import { safeCell, streamCsv } from "../../src/api/utils/csv"

/** A download target that reads only when told to, like a slow client. */
function slowClient() {
  const target = Object.assign(new PassThrough({ highWaterMark: 1024 }), {
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      target.headers[name] = value
    },
  })
  return target
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("streamCsv", () => {
  it("writes a header line and RFC 4180 rows, neutralizing formulas, with download headers", async () => {
    const target = slowClient()
    const chunks: Buffer[] = []
    target.on("data", (chunk: Buffer) => chunks.push(chunk))
    async function* rows() {
      yield { id: "a", note: 'says "hi", twice', at: new Date("2026-11-30T12:00:00Z"), ok: true, n: -5 }
      yield { id: "b", note: "=cmd|' /C calc'!A0", at: null, ok: false, n: 0 }
    }
    await streamCsv(target, "x.csv", ["id", "note", "at", "ok", "n"], rows())
    const text = Buffer.concat(chunks).toString("utf8")
    expect(text.split("\r\n")[0]).toBe("id,note,at,ok,n")
    expect(parse(text, { columns: true })).toEqual([
      { id: "a", note: 'says "hi", twice', at: "2026-11-30T12:00:00.000Z", ok: "true", n: "-5" },
      { id: "b", note: "'=cmd|' /C calc'!A0", at: "", ok: "false", n: "0" },
    ])
    expect(target.headers).toMatchObject({
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="x.csv"',
    })
    expect(safeCell("+1")).toBe("'+1")
    expect(safeCell("plain")).toBe("plain")
  })

  it("pulls rows only as fast as the client reads (backpressure), and stops reading when the client goes away", async () => {
    let pulled = 0
    let closed = false
    async function* endless() {
      try {
        for (;;) {
          pulled += 1
          yield { id: `row-${pulled}`, text: "x".repeat(100) }
        }
      } finally {
        closed = true
      }
    }
    const target = slowClient()
    const done = streamCsv(target, "endless.csv", ["id", "text"], endless())
    await tick(200)
    const whileIdle = pulled
    // The client reads nothing: a few buffers' worth are pulled, never the whole (endless) table.
    expect(whileIdle).toBeGreaterThan(0)
    expect(whileIdle).toBeLessThan(2_000)
    await tick(200)
    expect(pulled).toBe(whileIdle)
    // It reads some: more rows are pulled, about as many as it read.
    let read = 0
    while (read < 200_000) {
      const chunk: Buffer | null = target.read()
      if (chunk) read += chunk.length
      else await tick(5)
    }
    expect(pulled).toBeGreaterThan(whileIdle)
    expect(pulled).toBeLessThan(whileIdle + 200_000 / 100 + 2_000)
    // The client goes away: the reader is closed, the download ends.
    target.destroy()
    await done.catch(() => undefined)
    expect(closed).toBe(true)
  })
})
