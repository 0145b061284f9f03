import type { MedusaContainer } from "@medusajs/framework/types"
import { graphOne } from "./graph-one"

/** The order changes staff can cancel after confirming them, by Query entity. */
export const CancelableOrderChanges = {
  exchange: "order_exchange",
  claim: "order_claim",
  return: "return",
} as const

export type CancelableOrderChange = keyof typeof CancelableOrderChanges

/**
 * The order an exchange, claim or return belongs to, or null. Medusa's
 * cancel routes answer without it (their workflows return nothing), so the
 * recomputation after a cancel starts here.
 */
export async function orderOfChange(
  container: Pick<MedusaContainer, "resolve">,
  kind: CancelableOrderChange,
  id: string
): Promise<string | null> {
  const change = await graphOne(container, CancelableOrderChanges[kind], id, ["id", "order_id"])
  return change?.order_id ?? null
}
