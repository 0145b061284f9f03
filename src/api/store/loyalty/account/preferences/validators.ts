import { z } from "@medusajs/framework/zod"
import { isValidMonthDay } from "../../../../../lib/care/rules"

/**
 * A birthday as "MM-DD" or "YYYY-MM-DD" (the year is not kept: only the day
 * is celebrated), checked to be a real day.
 */
export const Birthday = z
  .string()
  .regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'birthday must be "MM-DD" or "YYYY-MM-DD"')
  .transform((value, ctx) => {
    const [month, day] = value.split("-").slice(-2).map(Number)
    if (!isValidMonthDay({ month, day })) {
      ctx.addIssue({ code: "custom", message: `${value} is not a day of the year` })
      return z.NEVER
    }
    return { month, day }
  })

/** What a member sets for themselves: their birthday and whether they want loyalty messages. */
export const MemberPreferences = z.strictObject({
  birthday: Birthday.optional(),
  /** false: no loyalty messages (points, tiers, reminders). */
  notifications: z.boolean().optional(),
})
export type MemberPreferencesType = z.infer<typeof MemberPreferences>

/** Staff may also clear a birthday (`null`). */
export const AdminMemberPreferences = MemberPreferences.extend({ birthday: Birthday.nullable().optional() })
export type AdminMemberPreferencesType = z.infer<typeof AdminMemberPreferences>
