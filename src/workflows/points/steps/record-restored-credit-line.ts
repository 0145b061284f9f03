import { ChangeActionType, MathBN, Modules, OrderChangeStatus, OrderChangeType } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { POINTS_RESTORED_CREDIT_LINE_REFERENCE } from "../../../lib/points/earning"

export const recordRestoredCreditLineStepId = "loyalty-record-restored-credit-line-step"

export type RestoredCreditLineInput = {
  order_id: string
  /** Value of all points given back on the order so far, in its currency. */
  restored_value: number
  /** Value already recorded by earlier restore credit lines. */
  recorded_value: number
  /** The restore entry this line stands for. */
  entry_id: string | null
}

/**
 * Tell Medusa about points given back after a return: a negative order
 * credit line (reference `loyalty-points-restored`) for the value not yet
 * recorded, so the refund Medusa suggests is only the part not returned in
 * points. It is written as its own confirmed order change, without
 * `createOrderCreditLinesWorkflow`: that workflow's hook belongs to
 * @medusajs/loyalty-plugin when installed, which would also pay the amount
 * into store credit. Skipped while the order has another open change.
 * Compensation undoes the order change.
 */
export const recordRestoredCreditLineStep = createStep(
  recordRestoredCreditLineStepId,
  async (input: RestoredCreditLineInput | null, { container }) => {
    if (!input) return new StepResponse<string | null, { order_id: string; change_id: string } | null>(null, null)
    const missing = MathBN.sub(input.restored_value, input.recorded_value)
    if (missing.lte(0)) return new StepResponse<string | null, { order_id: string; change_id: string } | null>(null, null)
    const orders = container.resolve(Modules.ORDER)
    // Medusa allows one open change per order: while staff are in the middle of one, the line
    // waits for the next recomputation (the amount is a level, so nothing is lost).
    const open = await orders.listOrderChanges(
      { order_id: input.order_id, status: [OrderChangeStatus.PENDING, OrderChangeStatus.REQUESTED] },
      { select: ["id"], take: 1 }
    )
    if (open.length) return new StepResponse<string | null, { order_id: string; change_id: string } | null>(null, null)
    const change = await orders.createOrderChange({
      order_id: input.order_id,
      change_type: OrderChangeType.CREDIT_LINE,
      description: "Loyalty points given back",
      actions: [
        {
          action: ChangeActionType.CREDIT_LINE_ADD,
          order_id: input.order_id,
          reference: POINTS_RESTORED_CREDIT_LINE_REFERENCE,
          reference_id: input.entry_id ?? undefined,
          amount: MathBN.mult(missing, -1).toNumber(),
        },
      ],
    })
    await orders.confirmOrderChange(change.id)
    return new StepResponse<string | null, { order_id: string; change_id: string } | null>(change.id, {
      order_id: input.order_id,
      change_id: change.id,
    })
  },
  async (undo, { container }) => {
    if (!undo) return
    await container.resolve(Modules.ORDER).undoLastChange(undo.order_id, { id: undo.change_id })
  }
)
