import { authenticate, MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { StoreSubmitFeedback } from "./validators"

/** Feedback is given by the logged-in customer about their own order. */
export const storeFeedbackMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/store/loyalty/feedback",
    middlewares: [authenticate("customer", ["session", "bearer"]), validateAndTransformBody(StoreSubmitFeedback)],
  },
]
