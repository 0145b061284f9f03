import { z } from "@medusajs/framework/zod"

/**
 * A new import run. `import_key` scopes the ledger keys: leave it out and the
 * server keys the run by the SHA-256 of the content uploaded (the admin page
 * does; the same content imports once), or name one to continue an import
 * with a corrected file (rows already imported under the key, found by their
 * content, are skipped). `repeat_members` credits members that an earlier
 * import under another key already credited; without it they are skipped and
 * reported, since a changed copy of an imported file has another key.
 */
export const AdminCreateMemberImport = z.strictObject({
  import_key: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'import_key must be 1 to 128 letters, digits, ".", "_" or "-"')
    .optional(),
  file_name: z.string().trim().min(1).max(255).nullish(),
  dry_run: z.boolean(),
  repeat_members: z.boolean().default(false),
  /** The file's size in bytes, for the progress bar (a big number on the run: files past 2 GiB too). */
  bytes_total: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
})
export type AdminCreateMemberImportType = z.infer<typeof AdminCreateMemberImport>

export const AdminListMemberImports = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
export type AdminListMemberImportsType = z.infer<typeof AdminListMemberImports>
