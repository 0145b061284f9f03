import { createHash } from "crypto"
import { createReadStream, createWriteStream } from "fs"
import { mkdtemp, rm } from "fs/promises"
import { tmpdir } from "os"
import { join } from "path"
import { Readable, Transform } from "stream"
import { pipeline } from "stream/promises"

/** An upload written to a temporary file, with the SHA-256 of its bytes. */
export type SpooledUpload = {
  sha256: string
  bytes: number
  /** A new stream over the spooled bytes. */
  open: () => Readable
  /** Delete the temporary file (safe to call twice). */
  remove: () => Promise<void>
}

/**
 * Write an upload to a temporary file while hashing it, so the server can
 * key an import by its content before reading its rows: every row's ledger
 * key starts with the import key, and the hash is known only at the end of
 * the stream. Disk, not memory: a file of any size stays streamed.
 */
export async function spoolUpload(source: Readable): Promise<SpooledUpload> {
  const dir = await mkdtemp(join(tmpdir(), "loyalty-import-"))
  const path = join(dir, "upload.csv")
  const remove = () => rm(dir, { recursive: true, force: true })
  const hash = createHash("sha256")
  let bytes = 0
  try {
    await pipeline(
      source,
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk)
          bytes += chunk.length
          done(null, chunk)
        },
      }),
      createWriteStream(path)
    )
  } catch (error) {
    await remove()
    throw error
  }
  return { sha256: hash.digest("hex"), bytes, open: () => createReadStream(path), remove }
}
