import { z } from "@medusajs/framework/zod"

/** NPS-style feedback on one of the shopper's orders. */
export const StoreSubmitFeedback = z.strictObject({
  order_id: z.string().trim().min(1).max(100),
  score: z.number().int().min(0).max(10),
  comment: z.string().trim().max(2000).nullish(),
})
export type StoreSubmitFeedbackType = z.infer<typeof StoreSubmitFeedback>
