import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CareRules, celebratedOn, memberDaysDue } from "../../../lib/care/rules"
import { attempt, forEachPage } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { completeLoyaltyActionWorkflow } from "../complete-action"

export const awardMemberDaysStepId = "loyalty-award-member-days-step"

const BATCH = 500

/**
 * Pay the birthday and anniversary actions of the store's local days due
 * (`memberDaysDue`: today and, as a catch-up, the days of the last week the
 * pass did not reach), one idempotent workflow per member and day, keyed by
 * the year of the day celebrated (a second run the same day, or the next
 * day's catch-up, pays nobody twice; a 31 December paid on 2 January is that
 * year's). Birthdays count when set `birthday_min_days` before the day;
 * anniversaries are of the customer's sign-up, from its first full year. A
 * store without the action pays nothing. Each member's payment is its own
 * workflow with its own compensation.
 */
export const awardMemberDaysStep = createStep(
  awardMemberDaysStepId,
  async (input: { now: Date; care: CareRules; actions: string[] }, { container }) => {
    const now = new Date(input.now)
    const zone = input.care.time_zone
    const service = pointsService(container)
    const counts = { birthday: 0, anniversary: 0 }
    const pay = async (code: "birthday" | "anniversary", customerId: string, year: number) => {
      const done = await attempt(container, `Loyalty: ${code} bonus for ${customerId}`, () =>
        completeLoyaltyActionWorkflow(container).run({
          input: { customer_id: customerId, action_code: code, scope: IdempotencyKeys.memberDayScope(customerId, year), actor_type: "system", now },
        })
      )
      if (done.ok && done.value.result?.created) counts[code]++
    }
    const created = new Map(
      (await service.listActions({ code: input.actions }, { select: ["code", "created_at"] })).map((action) => [action.code, action.created_at])
    )
    const daysOf = (code: string) => memberDaysDue(now, zone, created.get(code) ?? null)

    for (const day of input.actions.includes("birthday") ? daysOf("birthday") : []) {
      // As if the pass ran at the end of that day: a birthday set `birthday_min_days` before it counts.
      const end = new Date(Math.min(day.endOf("day").toMillis(), now.getTime()))
      const setBefore = new Date(end.getTime() - input.care.birthday_min_days * 24 * 60 * 60 * 1000)
      const days = celebratedOn(day.toJSDate(), zone)
      await forEachPage(
        ({ after }) => service.listBirthdayMembers({ days, set_before: setBefore, after, limit: BATCH }),
        async (members) => {
          for (const member of members) await pay("birthday", member.customer_id, day.year)
        },
        { size: BATCH, until: "short", key: (member) => member.customer_id }
      )
    }

    // Sign-up dates are Medusa's (customer.created_at): one set-based read per page.
    const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
    for (const day of input.actions.includes("anniversary") ? daysOf("anniversary") : []) {
      const startOfDay = day.toJSDate()
      const days = celebratedOn(startOfDay, zone)
      await forEachPage(
        ({ after }) =>
          knex("customer")
            .select("id")
            .where({ has_account: true })
            .whereNull("deleted_at")
            // Signed up before that day: the same day of an earlier year.
            .where("created_at", "<", startOfDay)
            .where((q) => {
              for (const { month, day } of days) {
                q.orWhereRaw(
                  "extract(month from created_at at time zone ?) = ? and extract(day from created_at at time zone ?) = ?",
                  [zone, month, zone, day]
                )
              }
            })
            .modify((q) => (after ? q.where("id", ">", after) : q))
            .orderBy("id")
            .limit(BATCH) as Promise<{ id: string }[]>,
        async (customers) => {
          for (const customer of customers) await pay("anniversary", customer.id, day.year)
        },
        { size: BATCH, until: "short", key: (customer) => customer.id }
      )
    }
    return new StepResponse(counts)
  }
)
