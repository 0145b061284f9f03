import type { FindConfig, MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

/**
 * One module's part of erasing a member: `erase` gets the module's service
 * and the member's id, and answers what it erased, counted by kind. Erasure
 * is meant to be final, so there is no compensation; every part is
 * idempotent, and a failed run is simply run again. So the parts differ only
 * in what they erase.
 *
 * @example
 * export const erasePointsMemberDataStep = createEraseStep(erasePointsMemberDataStepId, pointsService, (service, customer_id) =>
 *   service.eraseMemberData({ customer_id, erased_reason: ERASED_REASON })
 * )
 */
export function createEraseStep<S, E>(
  id: string,
  service: (container: MedusaContainer) => S,
  erase: (service: S, customer_id: string) => Promise<E>
) {
  return createStep<{ customer_id: string }, E, null>(id, async (input, { container }) => {
    const erased: E = await erase(service(container), input.customer_id)
    return new StepResponse(erased, null)
  })
}

/** Erase the member's rows of one model that a read found (`erase` deletes or blanks them), if any; answers how many. */
export async function eraseRows<T>(rows: T[], erase: (rows: T[]) => Promise<unknown>): Promise<number> {
  if (rows.length) await erase(rows)
  return rows.length
}

/**
 * A module service with `MedusaService`'s generated `list<Many>` and
 * `delete<Many>` for a model whose rows belong to a member (`customer_id`).
 */
export type MemberRows<Many extends string> = Record<`list${Many}`, ListOfMember> & Record<`delete${Many}`, ByIds>

type ListOfMember = (filters: { customer_id: string }, config: FindConfig<{ id: string }>) => Promise<{ id: string }[]>
type ByIds = (ids: string[]) => Promise<unknown>

/**
 * Delete every row of one model that belongs to the member (`many` names the
 * model as `MedusaService` names its methods: `"ClaimAttempts"`); answers how
 * many. `config` is the read's, where it needs more than the live rows' ids.
 */
export async function deleteMemberRows<Many extends string>(
  service: MemberRows<Many>,
  many: Many,
  customer_id: string,
  config: FindConfig<{ id: string }> = { select: ["id"], take: null }
): Promise<number> {
  const list = `list${many}` as const
  const remove = `delete${many}` as const
  const reads: Record<typeof list, ListOfMember> = service
  const deletes: Record<typeof remove, ByIds> = service
  return eraseRows(await reads[list]({ customer_id }, config), (rows) => deletes[remove](rows.map((row) => row.id)))
}
