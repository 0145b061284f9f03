import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { streamCsv } from "../../../../utils/csv"
import { EXPORTERS } from "../readers"
import { AdminExportQueryType, EXPORT_KINDS, ExportKind, PERIOD_KINDS } from "../validators"

const isKind = (kind: string): kind is ExportKind => (EXPORT_KINDS as readonly string[]).includes(kind)

/**
 * One CSV download per kind (accounts, entries, referrals, tiers, insights),
 * streamed from a keyset-paginated reader with backpressure: a store with a
 * million entries exports in bounded memory. `from`/`to` choose the period of
 * the ledger and of referrals; everything is checked before the first byte,
 * so a bad request is a 400 with a message, never half a file.
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminExportQueryType>, res: MedusaResponse) {
  const kind = req.params.kind
  if (!isKind(kind)) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Unknown export ${JSON.stringify(kind.slice(0, 40))}: one of ${EXPORT_KINDS.join(", ")}`
    )
  }
  const period = req.validatedQuery as AdminExportQueryType
  if ((period.from || period.to) && !PERIOD_KINDS.includes(kind)) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `from and to apply to ${PERIOD_KINDS.join(" and ")} only; the ${kind} export is as of now`
    )
  }
  const exporter = EXPORTERS[kind]
  const day = new Date().toISOString().slice(0, 10)
  await streamCsv(res, `loyalty-${kind}-${day}.csv`, exporter.columns, exporter.rows(req.scope, period))
}
