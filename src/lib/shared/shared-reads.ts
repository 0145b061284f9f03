/**
 * One read for the calls that ask for the same thing at the same moment.
 *
 * The calls made under one key in one turn of the event loop share one read:
 * the first call schedules it for the end of the turn (`setImmediate`, after
 * the promise callbacks already queued), and every call made before it is sent
 * gets its answer. When it is sent the key is free again, so a later call gets
 * a read of its own, sent after it asked. Nothing is kept: no call is ever
 * answered by a read that was sent before the call was made, so whatever was
 * committed before a call (a settings change, say) is in its answer, as with
 * a read per call. Without a key every call reads alone.
 *
 * Made for the subscribers of a page's events: Medusa releases a workflow's
 * events (one event group) together, and the local event bus starts every
 * subscriber call of the group in the same turn.
 */
export type SharedRead<T> = (key: string | undefined, read: () => Promise<T>) => Promise<T>

export function sharedReads<T>(): SharedRead<T> {
  const waiting = new Map<string, Promise<T>>()
  return (key, read) => {
    if (key === undefined) return read()
    const joined = waiting.get(key)
    if (joined) return joined
    const answer = new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        // Closed before the read is sent: a call from now on reads again.
        waiting.delete(key)
        try {
          read().then(resolve, reject)
        } catch (error) {
          reject(error)
        }
      })
    })
    waiting.set(key, answer)
    return answer
  }
}
