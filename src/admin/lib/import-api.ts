import type { ImportReportLists } from "../../lib/imports/report"
import type { MemberImportRecord } from "../../workflows/imports/run-member-import"
import { sdk } from "./sdk"
import type { Wire } from "./wire"

/**
 * A member import run and its report, as `/admin/loyalty/imports` answers it:
 * the stored run, its JSON lists read as `ImportReportLists` types them.
 */
export type MemberImportRun = Omit<Wire<MemberImportRecord>, keyof ImportReportLists> & {
  [K in keyof ImportReportLists]: ImportReportLists[K] | null
}

const BASE = "/admin/loyalty/imports"

/**
 * The import key of a file: its SHA-256, so importing the same file twice
 * credits once. Browsers give `crypto.subtle` only on https and localhost;
 * elsewhere the file's name, size and date stand in.
 */
export async function fileImportKey(file: File): Promise<string> {
  if (globalThis.crypto?.subtle) {
    const digest = await globalThis.crypto.subtle.digest("SHA-256", await file.arrayBuffer())
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")
  }
  return `${file.name}-${file.size}-${file.lastModified}`.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 128)
}

export const memberImportApi = {
  list: () => sdk.client.fetch<{ imports: MemberImportRun[] }>(BASE, { query: { limit: 10 } }),
  get: (id: string) => sdk.client.fetch<{ import: MemberImportRun }>(`${BASE}/${encodeURIComponent(id)}`),
  create: (body: { import_key: string; file_name: string; dry_run: boolean; bytes_total: number }) =>
    sdk.client.fetch<{ import: MemberImportRun }>(BASE, { method: "POST", body }),
  /** The file itself as the body: the server reads it as a stream. */
  upload: (id: string, file: File) =>
    sdk.client.fetch<{ import: MemberImportRun }>(`${BASE}/${encodeURIComponent(id)}/file`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: file,
    }),
}
