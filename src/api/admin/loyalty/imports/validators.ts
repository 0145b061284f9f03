import { z } from "@medusajs/framework/zod"

/**
 * A new import run. `import_key` scopes the ledger keys: send the file's
 * SHA-256 (the admin page and the CLI do), or a name of your own to continue
 * an import with a corrected file (rows already imported under the key are
 * skipped).
 */
export const AdminCreateMemberImport = z.strictObject({
  import_key: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'import_key must be 1 to 128 letters, digits, ".", "_" or "-"'),
  file_name: z.string().trim().min(1).max(255).nullish(),
  dry_run: z.boolean(),
  /** The file's size in bytes, for the progress bar (a big number on the run: files past 2 GiB too). */
  bytes_total: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
})
export type AdminCreateMemberImportType = z.infer<typeof AdminCreateMemberImport>

export const AdminListMemberImports = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
export type AdminListMemberImportsType = z.infer<typeof AdminListMemberImports>
