import { z } from "@medusajs/framework/zod"
import { PathId } from "../../../../utils/request-guards"

/** A review the merchant's review tool reports, signed with the shared secret (`X-Loyalty-Signature`). */
export const StoreReviewAction = z.strictObject({
  customer_id: PathId,
  review_id: z.string().regex(/^[\x21-\x7e]{1,128}$/, "review_id must be 1 to 128 printable characters"),
  product_id: PathId.optional(),
})
export type StoreReviewActionType = z.infer<typeof StoreReviewAction>
