/**
 * The per-order locks of the points workflows (Medusa's locking module: in
 * memory in one process, Redis or Postgres across processes). Runs of the same
 * order take turns: awards (a redelivered `order.placed`, the catch-up) under
 * one key, recomputations (cancel, return, refund, edit…) under another.
 */
export const OrderLockKeys = {
  /** An order's award: a failed run gives its campaign reservations back before the next run reads them. */
  award: (orderId: string) => `loyalty-award-order:${orderId}`,
  /** An order's recomputation: two side by side wrote the same order change twice. */
  recompute: (orderId: string) => `loyalty:order-points:${orderId}`,
}

/**
 * How long a run waits for the lock (seconds), and how long a lock lives when
 * its holder never releases it (seconds): a process killed while holding one
 * blocks that order's next run for at most `ttl`. A run takes a second or
 * two, so 30 s is a wide margin either way, and shorter than the redelivery
 * of a stalled event (about 30 s with Medusa's Redis event bus), so the
 * process that takes a killed worker's event over gets the lock.
 */
export const ORDER_LOCK = { timeout: 30, ttl: 30 } as const
