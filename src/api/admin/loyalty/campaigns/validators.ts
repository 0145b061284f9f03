import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../../utils/validators"
import { CAMPAIGN_STACKING, CAMPAIGN_STATUSES, CAMPAIGN_TYPES, EARNING_RULE_TARGETS } from "../../../../lib/campaigns/rules"
import { Limits } from "../../../../lib/shared/vocabulary"

/** The most a campaign's minimum order amount may be, in major units. */
const MAX_MIN_ORDER_AMOUNT = 1_000_000_000

/**
 * Per-currency numbers (`{ eur: 50 }`) between 0 and `max`, keys checked and
 * lower-cased; the 400 names the field, the currency and the bounds
 * (`rates: the EUR rate must be between 0 and 1000 points per unit`).
 */
const perCurrency = (what: string, noun: string, max: number, unit = "") =>
  z
    .record(z.string(), z.number())
    .superRefine((map, ctx) => {
      for (const [code, value] of Object.entries(map)) {
        if (!/^[a-zA-Z]{3}$/.test(code)) ctx.addIssue({ code: "custom", message: `${what}: "${code}" is not a 3-letter currency code such as eur` })
        else if (!(value >= 0 && value <= max)) {
          ctx.addIssue({ code: "custom", message: `${what}: the ${code.toUpperCase()} ${noun} must be between 0 and ${max}${unit}` })
        }
      }
    })
    .transform((map) => Object.fromEntries(Object.entries(map).map(([code, value]) => [code.toLowerCase(), value])))

const ids = z.array(z.string().trim().min(1).max(100)).max(500)

const recurrence = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("monthly"), days: z.array(z.number().int().min(1).max(31)).min(1).max(31) }),
  z.strictObject({ kind: z.literal("weekly"), weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7) }),
  z.strictObject({
    kind: z.literal("yearly"),
    dates: z.array(z.string().regex(/^\d{2}-\d{2}$/, 'yearly dates are "MM-DD", e.g. "12-24"')).min(1).max(366),
  }),
])

const scheduleFields = {
  starts_at: dateInput("starts_at").nullable(),
  ends_at: dateInput("ends_at").nullable(),
  recurrence: recurrence.nullable(),
  time_zone: z.string().trim().min(1).max(64),
}

const campaignFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable(),
  status: z.enum(CAMPAIGN_STATUSES),
  type: z.enum(CAMPAIGN_TYPES),
  value: z.number().min(0).max(1_000_000),
  // Points per unit, bounded as the program's earn rates are.
  rates: perCurrency("rates", "rate", Limits.earn_rate, " points per unit").nullable(),
  min_order_amounts: perCurrency("min_order_amounts", "amount", MAX_MIN_ORDER_AMOUNT).nullable(),
  ...scheduleFields,
  tier_ids: ids,
  customer_group_ids: ids,
  segments: z.array(z.string().trim().min(1).max(50)).max(50),
  sales_channel_ids: ids,
  product_ids: ids,
  collection_ids: ids,
  category_ids: ids,
  budget_points: z.number().int().min(1).max(1e9).nullable(),
  per_customer_cap: z.number().int().min(1).max(1e9).nullable(),
  priority: z.number().int().min(-1000).max(1000),
  stacking: z.enum(CAMPAIGN_STACKING),
  stack_cap: z.number().min(1).max(100).nullable(),
}

/** A change to a campaign: any of its fields. */
export const AdminUpdateCampaign = z.strictObject(campaignFields).partial()
export type AdminUpdateCampaignType = z.infer<typeof AdminUpdateCampaign>

/** A new campaign: name and type are required; everything else has a default (a draft, best wins, no targeting). */
export const AdminCreateCampaign = AdminUpdateCampaign.required({ name: true, type: true })
export type AdminCreateCampaignType = z.infer<typeof AdminCreateCampaign>

/** A schedule to preview (the admin's recurrence picker, before saving). */
export const AdminPreviewCampaign = z
  .strictObject(scheduleFields)
  .partial()
  .extend({ count: z.number().int().min(1).max(24).optional() })
export type AdminPreviewCampaignType = z.infer<typeof AdminPreviewCampaign>

/** A per-product earning rule. */
export const AdminCreateEarningRule = z.strictObject({
  target_type: z.enum(EARNING_RULE_TARGETS),
  target_id: z.string().trim().min(1).max(100),
  factor: z.number().min(0).max(100),
  note: z.string().trim().max(500).nullable().optional(),
})
export type AdminCreateEarningRuleType = z.infer<typeof AdminCreateEarningRule>

/** A campaign being edited, costed on past orders: its fields, and the period (default: last calendar month). */
export const AdminCampaignCost = AdminCreateCampaign.extend({
  from: dateInput("from").optional(),
  to: dateInput("to").optional(),
})
export type AdminCampaignCostType = z.infer<typeof AdminCampaignCost>
