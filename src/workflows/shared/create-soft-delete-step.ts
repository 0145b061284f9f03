import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

/**
 * A module service with `MedusaService`'s generated methods for one model:
 * `retrieve<One>`, `softDelete<Many>` and `restore<Many>` (`retrieveReward`,
 * `softDeleteRewards`, `restoreRewards`).
 */
export type SoftDeletable<One extends string, Many extends string> = Record<`retrieve${One}`, Retrieve> &
  Record<`softDelete${Many}` | `restore${Many}`, ByIds>

type Retrieve = (id: string) => Promise<unknown>
type ByIds = (ids: string[]) => Promise<unknown>

/**
 * A step that deletes one record softly (what points at it keeps its terms:
 * coupons their reward, entries their action, earnings their campaign), 404
 * when there is none (the generated `retrieve` throws NOT_FOUND), and
 * restores it on compensation. So the delete steps differ only in the model
 * they delete, named as `MedusaService` names its methods.
 *
 * @example
 * export const deleteRewardStep = createSoftDeleteStep(deleteRewardStepId, pointsService, { one: "Reward", many: "Rewards" })
 */
export function createSoftDeleteStep<One extends string, Many extends string>(
  id: string,
  service: (container: MedusaContainer) => SoftDeletable<One, Many>,
  model: { one: One; many: Many }
) {
  const retrieve = `retrieve${model.one}` as const
  const softDelete = `softDelete${model.many}` as const
  const restore = `restore${model.many}` as const
  return createStep<{ id: string }, { id: string }, string>(
    id,
    async (input, { container }) => {
      const records = service(container)
      const found: Record<typeof retrieve, Retrieve> = records
      const deletes: Record<typeof softDelete, ByIds> = records
      await found[retrieve](input.id)
      await deletes[softDelete]([input.id])
      return new StepResponse({ id: input.id }, input.id)
    },
    async (deletedId, { container }) => {
      const restores: Record<typeof restore, ByIds> = service(container)
      if (deletedId) await restores[restore]([deletedId])
    }
  )
}
