import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { runMemberImport } from "../../../../../../workflows/imports"

/** Body types taken as the CSV file itself. */
const CSV_TYPES = ["text/csv", "text/plain", "application/csv", "application/octet-stream", "application/vnd.ms-excel"]

/**
 * The import run's CSV file as the request body (`Content-Type: text/csv`),
 * read as a stream batch by batch while the run's figures grow; answers with
 * the finished run (its report). A file that is no known format is a 400; a
 * run reads one file once (a second upload is a 400).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const type = (req.get("content-type") ?? "").split(";")[0].trim().toLowerCase()
  if (!CSV_TYPES.includes(type)) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Send the CSV file as the request body with Content-Type text/csv (got "${type || "none"}")`
    )
  }
  const result = await runMemberImport(req.scope, req.params.id, req)
  res.json({ import: result })
}
