import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { reverseOrderPointsWorkflow } from "../../../workflows/points"

/**
 * Medusa's `POST /admin/orders/:id/credit-lines` emits no event, and its
 * workflow hook (`creditLinesCreated`) belongs to @medusajs/loyalty-plugin
 * when both plugins are installed (a hook takes one handler per app). So
 * once that route has answered with success, recompute the order's points
 * (a waived amount lowers what the order earns). The release job recomputes
 * every order before releasing it, so a failure here is caught up there.
 */
export function recomputePointsAfterCreditLine(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const orderId = req.params.id
  const scope = req.scope
  res.on("finish", () => {
    if (res.statusCode >= 300 || !orderId) return
    reverseOrderPointsWorkflow(scope)
      .run({ input: { order_id: orderId, trigger: "order.credit_lines_created" } })
      .catch((error: Error) =>
        scope
          .resolve(ContainerRegistrationKeys.LOGGER)
          .error(`Loyalty: recomputing points of order ${orderId} after a credit line failed: ${error.message}`)
      )
  })
  next()
}

export const adminOrderCreditLineMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/admin/orders/:id/credit-lines",
    middlewares: [recomputePointsAfterCreditLine],
  },
]
