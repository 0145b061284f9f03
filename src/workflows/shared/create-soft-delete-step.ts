import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

/** What a soft-delete step does with one kind of record: the module service's generated methods for it. */
export type SoftDeletable = {
  /** Throws NOT_FOUND when there is no such record (a 404 on the route). */
  retrieve: (id: string) => Promise<unknown>
  softDelete: (ids: string[]) => Promise<unknown>
  restore: (ids: string[]) => Promise<unknown>
}

/**
 * A step that deletes one record softly (what points at it keeps its terms:
 * coupons their reward, entries their action, earnings their campaign), 404
 * when there is none, and restores it on compensation. So the delete steps
 * differ only in the record they delete.
 *
 * @example
 * export const deleteRewardStep = createSoftDeleteStep(deleteRewardStepId, (container) => {
 *   const service = pointsService(container)
 *   return { retrieve: (id) => service.retrieveReward(id), softDelete: (ids) => service.softDeleteRewards(ids), restore: (ids) => service.restoreRewards(ids) }
 * })
 */
export function createSoftDeleteStep(id: string, records: (container: MedusaContainer) => SoftDeletable) {
  return createStep<{ id: string }, { id: string }, string>(
    id,
    async (input, { container }) => {
      const of = records(container)
      await of.retrieve(input.id)
      await of.softDelete([input.id])
      return new StepResponse({ id: input.id }, input.id)
    },
    async (deletedId, { container }) => {
      if (deletedId) await records(container).restore([deletedId])
    }
  )
}
