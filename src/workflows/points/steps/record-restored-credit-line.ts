import { ChangeActionType, MathBN, Modules, OrderChangeType } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { POINTS_RESTORED_CREDIT_LINE_REFERENCE } from "../../../lib/earning"

export const recordRestoredCreditLineStepId = "record-loyalty-restored-credit-line"

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
 * into store credit. Compensation undoes the order change.
 */
export const recordRestoredCreditLineStep = createStep(
  recordRestoredCreditLineStepId,
  async (input: RestoredCreditLineInput | null, { container }) => {
    if (!input) return new StepResponse<string | null, { order_id: string; change_id: string } | null>(null, null)
    const missing = MathBN.sub(input.restored_value, input.recorded_value)
    if (missing.lte(0)) return new StepResponse<string | null, { order_id: string; change_id: string } | null>(null, null)
    const orders = container.resolve(Modules.ORDER)
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
