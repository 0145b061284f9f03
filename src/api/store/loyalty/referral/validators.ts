import { z } from "@medusajs/framework/zod"

/** A code as the shopper typed it; its form is checked with the code itself, so a malformed code reads like an unknown one. */
export const StoreClaimReferral = z.strictObject({
  code: z.string().trim().min(1).max(64),
})
export type StoreClaimReferralType = z.infer<typeof StoreClaimReferral>

/** `?limit=&offset=` over the referrals a shopper made. */
export const StoreReferralQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})
export type StoreReferralQueryType = z.infer<typeof StoreReferralQuery>
