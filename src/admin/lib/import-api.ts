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

export const memberImportApi = {
  list: () => sdk.client.fetch<{ imports: MemberImportRun[] }>(BASE, { query: { limit: 10 } }),
  get: (id: string) => sdk.client.fetch<{ import: MemberImportRun }>(`${BASE}/${encodeURIComponent(id)}`),
  /**
   * No `import_key`: the server keys the run by the SHA-256 of the content it
   * receives, so the same content imports once on any connection (a browser
   * has `crypto.subtle` only on https and localhost, and a name, size and
   * date say nothing about the content).
   */
  create: (body: { file_name: string; dry_run: boolean; bytes_total: number; repeat_members: boolean }) =>
    sdk.client.fetch<{ import: MemberImportRun }>(BASE, { method: "POST", body }),
  /** The file itself as the body: the server reads it as a stream. */
  upload: (id: string, file: File) =>
    sdk.client.fetch<{ import: MemberImportRun }>(`${BASE}/${encodeURIComponent(id)}/file`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: file,
    }),
}
