import { z } from "@medusajs/framework/zod"
import { dateInput } from "../../../utils/validators"
import { TIER_METRICS, TIER_WINDOWS } from "../../../../lib/tiers/rules"
import { AdminCreateCampaign } from "../campaigns/validators"
import { perCurrency, ProgramFields } from "../../../../lib/shared/settings-fields"

/** The program fields a proposal may change (each optional: the rest stay as they are); the replay uses neither the sign-up bonus nor shipping. */
const ProposedProgram = ProgramFields.omit({ signup_bonus: true, shipping_redeemable: true })

/** A tier as proposed: an existing tier's id keeps its members' history; a new one needs none. */
const ProposedTier = z.strictObject({
  id: z.string().trim().min(1).max(100).optional(),
  name: z.string().trim().min(1).max(100),
  rank: z.number().int().min(1).max(100),
  metric: z.enum(TIER_METRICS),
  threshold: z.number().min(0).max(1e12).nullable().optional(),
  spend_thresholds: perCurrency("A spend threshold").nullable().optional(),
  earn_multiplier: z.number().min(0).max(100),
})

/** A campaign as proposed: a new one, or an existing one (its id) with other terms. */
const ProposedCampaign = AdminCreateCampaign.extend({ id: z.string().trim().min(1).max(100).optional() })

/**
 * A what-if run: the proposed rules (any part left out stays as it is now:
 * `tiers` and `campaigns`, when given, replace the whole list) and the
 * period to replay (default: the 12 months up to now).
 */
export const AdminWhatIf = z
  .strictObject({
    from: dateInput("from").optional(),
    to: dateInput("to").optional(),
    program: ProposedProgram.optional(),
    tiers: z.array(ProposedTier).max(50).optional(),
    tier_settings: z
      .strictObject({
        window: z.enum(TIER_WINDOWS).optional(),
        window_months: z.number().int().min(1).max(120).optional(),
        grace_days: z.number().int().min(0).max(365).optional(),
      })
      .optional(),
    campaigns: z.array(ProposedCampaign).max(50).optional(),
    /** How many of the most affected customers to list. */
    most_affected: z.number().int().min(1).max(100).optional(),
  })
  .refine((body) => !body.from || !body.to || body.from < body.to, { message: "from must be before to" })
  .refine((body) => !body.tiers || new Set(body.tiers.map((t) => t.rank)).size === body.tiers.length, {
    message: "tiers: each rank may appear once",
  })
export type AdminWhatIfType = z.infer<typeof AdminWhatIf>
