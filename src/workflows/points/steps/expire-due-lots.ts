import { asOneBatch, attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { expireLotBatchWorkflow } from "../expire-lot-batch"
import { pointsService } from "./resolve-service"

export const expireDueLotsStepId = "loyalty-expire-due-lots-step"

const BATCH = 500

/**
 * Expire every lot past its date as of `now`: the lots are read a page at a
 * time in keyset order (expiry, id) and each page is expired by a workflow
 * of its own, which commits the page, emits its events and, if it fails,
 * undoes only that page. A failing page is logged and left for the next run;
 * a pass that dies resumes at the next run, which reads what is still due.
 */
export const expireDueLotsStep = createPassStep(expireDueLotsStepId, async (now, container) => {
  const totals = { expired_lots: 0, expired_points: 0 }
  await attemptEachDue(container, {
    read: async (after) => asOneBatch(await pointsService(container).listExpiredLots(now, after, BATCH)),
    what: (lotIds) => `Loyalty: expiring ${lotIds.length} lots from ${lotIds[0]}`,
    run: async (lotIds) => {
      const { result } = await expireLotBatchWorkflow(container).run({ input: { now, lot_ids: lotIds } })
      totals.expired_lots += result.expired_lots
      totals.expired_points += result.expired_points
    },
  })
  return totals
})
