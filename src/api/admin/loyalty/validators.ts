import { z } from "@medusajs/framework/zod"

const currencyCode = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, "must be a 3-letter currency code such as eur")
  .transform((code) => code.toLowerCase())

const perCurrency = (what: string) =>
  z.record(currencyCode, z.number().min(0, `${what} must be 0 or more`).max(1_000_000, `${what} is too large`))

/** A change to the program rules: any subset of the fields, nothing else. */
export const AdminUpdateProgram = z
  .strictObject({
    earn_rates: perCurrency("An earn rate").optional(),
    pending_days: z.number().int().min(0).max(365).optional(),
    expiry_months: z.number().int().min(0).max(120).optional(),
    signup_bonus: z.number().int().min(0).max(1_000_000).optional(),
    point_values: perCurrency("A point value").optional(),
    min_redeem_points: z.number().int().min(0).max(10_000_000).optional(),
    redeem_step: z.number().int().min(1).max(1_000_000).optional(),
    max_redeem_share: z.number().min(0).max(1).optional(),
    shipping_redeemable: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one program field to change" })
export type AdminUpdateProgramType = z.infer<typeof AdminUpdateProgram>

/** A manual points change by staff: signed points and a mandatory reason. */
export const AdminCreateAdjustment = z.strictObject({
  points: z
    .number()
    .int("points must be a whole number")
    .min(-1_000_000, "points must be between -1000000 and 1000000")
    .max(1_000_000, "points must be between -1000000 and 1000000")
    .refine((points) => points !== 0, { message: "points must not be 0" }),
  reason: z.string().trim().min(1, "reason is required").max(500),
})
export type AdminCreateAdjustmentType = z.infer<typeof AdminCreateAdjustment>
