import { z } from "@medusajs/framework/zod"

/** Points to pay part of a cart with. */
export const StoreApplyCartPoints = z.strictObject({
  points: z.number().int().min(1).max(100_000_000),
})
export type StoreApplyCartPointsType = z.infer<typeof StoreApplyCartPoints>
