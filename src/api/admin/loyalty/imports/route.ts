import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createMemberImportWorkflow } from "../../../../workflows/imports"
import { pointsModule } from "../../../utils/views"
import { AdminCreateMemberImportType, AdminListMemberImportsType } from "./validators"

/** The latest import runs, newest first (Settings → Loyalty → Import lists them). */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminListMemberImportsType>, res: MedusaResponse) {
  const imports = await pointsModule(req.scope).listMemberImports(
    {},
    { order: { created_at: "DESC" }, take: req.validatedQuery.limit }
  )
  res.json({ imports })
}

/**
 * Create an import run (a dry run or the real import), waiting for its file
 * at `POST /admin/loyalty/imports/:id/file`. Two calls so the page knows the
 * run's id, and polls it, while the file uploads. Without `import_key` the
 * run's key is null until the file arrives and the server hashes it.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateMemberImportType>, res: MedusaResponse) {
  const { result } = await createMemberImportWorkflow(req.scope).run({
    input: {
      import_key: req.validatedBody.import_key ?? null,
      file_name: req.validatedBody.file_name ?? null,
      dry_run: req.validatedBody.dry_run,
      repeat_members: req.validatedBody.repeat_members,
      bytes_total: req.validatedBody.bytes_total ?? null,
      actor_id: req.auth_context.actor_id,
    },
  })
  res.status(201).json({ import: result })
}
