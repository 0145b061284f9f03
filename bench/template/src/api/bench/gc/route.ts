import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"

/**
 * Bench only (both bench stores, plain and plugin, have this route): a full
 * garbage collection, so that a checkout counted under callgrind starts with
 * no garbage left from the ones before and no major collection lands in it by
 * chance. The server must run with `--expose-gc`.
 */
export const POST = async (_req: MedusaRequest, res: MedusaResponse) => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) {
    res.status(400).json({ message: "start the server with --expose-gc" })
    return
  }
  gc()
  res.json({ collected: true })
}
