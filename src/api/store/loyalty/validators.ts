import { z } from "@medusajs/framework/zod"

/** Buy a coupon: which reward, and for a fixed amount offered in several currencies, which one. */
export const StorePurchaseCoupon = z.strictObject({
  reward_id: z.string().min(1).max(100),
  currency_code: z
    .string()
    .regex(/^[a-zA-Z]{3}$/)
    .optional(),
})
export type StorePurchaseCouponType = z.infer<typeof StorePurchaseCoupon>
