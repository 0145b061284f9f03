import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { startCheckoutAnswer } from "../../../lib/shared/background-lane"

/**
 * `POST /store/carts/:id/complete`: the completion is answering its shopper
 * until its response closes. Order awards whose event arrives meanwhile (its
 * own order's among them) wait for that answer before they start
 * (`inAwardLane`), so the shopper's "place order" is not answered later for
 * the points. No statement, no per-promise context: a set entry per request.
 */
export function markCheckoutAnswering(_req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  res.once("close", startCheckoutAnswer())
  next()
}
