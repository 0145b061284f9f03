import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

/**
 * A step that changes one record through a module's service and whose
 * compensation puts back the values it had: `before` reads the record as it
 * was (null when there is none yet, and then there is nothing to put back),
 * `update` changes it, `restore` writes back what `before` read. So the
 * update steps differ only in which record they change and which of its
 * values a restore writes.
 *
 * @example
 * export const updateRewardStep = createUpdateStep(updateRewardStepId, pointsService, {
 *   before: (service, input: { id: string } & Partial<RewardInput>) => service.retrieveReward(input.id),
 *   update: (service, input) => service.updateRewards(input),
 *   restore: (service, { created_at: _c, updated_at: _u, deleted_at: _d, ...values }) => service.updateRewards(values),
 * })
 */
export function createUpdateStep<Service, I, B, R>(
  id: string,
  service: (container: MedusaContainer) => Service,
  record: {
    before: (service: Service, input: I) => Promise<B | null>
    update: (service: Service, input: I) => Promise<R>
    restore: (service: Service, before: B) => Promise<unknown>
  }
) {
  return createStep<I, R, { before: B | null }>(
    id,
    async (input, { container }) => {
      const records = service(container)
      const before = await record.before(records, input)
      const updated: R = await record.update(records, input)
      return new StepResponse(updated, { before })
    },
    async (snapshot, { container }) => {
      if (!snapshot?.before) return
      await record.restore(service(container), snapshot.before)
    }
  )
}
