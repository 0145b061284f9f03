import { MedusaNextFunction, MedusaRequest, MedusaResponse, MiddlewareRoute } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { reverseOrderPointsWorkflow } from "../../../workflows/points"
import { CancelableOrderChange, orderOfChange } from "../../../workflows/shared/order-of-change"

/**
 * Once the route has answered with success, recompute the points of the
 * order `orderOf` names (it runs after the answer, so it may read Medusa's
 * new state). A failure is logged: the release job recomputes every order
 * before releasing it, so it is caught up there (after the release, by the
 * next trigger).
 */
function recomputeAfterSuccess(trigger: (id: string) => string, orderOf: (req: MedusaRequest, id: string) => Promise<string | null>) {
  return (req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) => {
    const id = req.params.id
    const scope = req.scope
    res.on("finish", () => {
      if (res.statusCode >= 300 || !id) return
      orderOf(req, id)
        .then((orderId) =>
          orderId ? reverseOrderPointsWorkflow(scope).run({ input: { order_id: orderId, trigger: trigger(id) } }) : undefined
        )
        .catch((error: Error) =>
          scope
            .resolve(ContainerRegistrationKeys.LOGGER)
            .error(`Loyalty: recomputing points after ${req.method} ${req.originalUrl} failed: ${error.message}`)
        )
    })
    next()
  }
}

/**
 * Medusa's `POST /admin/orders/:id/credit-lines` emits no event, and its
 * workflow hook (`creditLinesCreated`) belongs to @medusajs/loyalty-plugin
 * when both plugins are installed (a hook takes one handler per app). So
 * once that route has answered with success, recompute the order's points
 * (a waived amount lowers what the order earns).
 */
export const recomputePointsAfterCreditLine = recomputeAfterSuccess(
  () => "order.credit_lines_created",
  async (_req, orderId) => orderId
)

/**
 * Canceling a confirmed exchange, claim or return undoes its order change
 * (Medusa confirms a reverse change), but Medusa 2.21.2's cancel workflows
 * emit no order event and expose no hook, so nothing else would tell the
 * plugin: the points the change earned would stay, or those it took back
 * stay lost. Recompute the order after each cancel route succeeds; the
 * trigger names the change, and the entries are keyed by level as for every
 * trigger, so a repeat posts nothing.
 */
export const recomputePointsAfterChangeCanceled = (kind: CancelableOrderChange) =>
  recomputeAfterSuccess(
    (id) => `order.${kind}_canceled:${id}`,
    (req, id) => orderOfChange(req.scope, kind, id)
  )

export const adminOrderCreditLineMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/admin/orders/:id/credit-lines",
    middlewares: [recomputePointsAfterCreditLine],
  },
]

export const adminOrderChangeCancelMiddlewares: MiddlewareRoute[] = [
  { method: ["POST"], matcher: "/admin/exchanges/:id/cancel", middlewares: [recomputePointsAfterChangeCanceled("exchange")] },
  { method: ["POST"], matcher: "/admin/claims/:id/cancel", middlewares: [recomputePointsAfterChangeCanceled("claim")] },
  { method: ["POST"], matcher: "/admin/returns/:id/cancel", middlewares: [recomputePointsAfterChangeCanceled("return")] },
]
