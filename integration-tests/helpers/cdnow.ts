import { readFileSync } from "fs"
import path from "path"
import type { Transaction } from "../../src/lib/insights/purchase-summary"

/** The CDNOW sample (see fixtures/cdnow/README.md): 2,357 customers of a 1997 cohort. */
export const CDNOW_FIXTURE = path.join(__dirname, "..", "fixtures", "cdnow")

/** The 39-week calibration period ends on 1997-09-30; the holdout runs 39 more weeks, to 1998-06-30. */
export const CALIBRATION_END = new Date(Date.UTC(1997, 8, 30))
export const HOLDOUT_END = new Date(Date.UTC(1998, 5, 30))

/** CDNOW_sample.txt: full-cohort id, sample id, YYYYMMDD, CDs, dollars (CRLF lines). */
export function cdnowTransactions(): Transaction[] {
  return readFileSync(path.join(CDNOW_FIXTURE, "CDNOW_sample.txt"), "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const [, id, date, , amount] = line.trim().split(/\s+/)
      return {
        customer_id: id.replace(/^0+/, ""),
        at: new Date(Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8))),
        amount: Number(amount),
      }
    })
}
