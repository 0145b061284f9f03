import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { entriesPage, storeEntry } from "../../../../utils/views"
import { EntriesPageQueryType } from "../../../../utils/validators"

/** The logged-in shopper's ledger, newest first, each entry with its reason and order. */
export async function GET(req: AuthenticatedMedusaRequest<unknown, EntriesPageQueryType>, res: MedusaResponse) {
  const page = await entriesPage(req.scope, req.auth_context.actor_id, req.validatedQuery)
  res.json({ ...page, entries: page.entries.map(storeEntry) })
}
