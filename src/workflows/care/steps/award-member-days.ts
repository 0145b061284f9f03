import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CareRules, celebratedOn, localDay, localYear } from "../../../lib/care/rules"
import { attempt, forEachPage } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { completeLoyaltyActionWorkflow } from "../complete-action"

export const awardMemberDaysStepId = "loyalty-award-member-days-step"

const BATCH = 500

/**
 * Pay the birthday and anniversary actions of `now`'s local day, one
 * idempotent workflow per member (keyed by the year, so a second run the same
 * day, or the next day's catch-up, pays nobody twice). Birthdays count when
 * set `birthday_min_days` before; anniversaries are of the customer's sign-up,
 * from its first full year. A store without the action pays nothing. Each
 * member's payment is its own workflow with its own compensation.
 */
export const awardMemberDaysStep = createStep(
  awardMemberDaysStepId,
  async (input: { now: Date; care: CareRules; actions: string[] }, { container }) => {
    const now = new Date(input.now)
    const zone = input.care.time_zone
    const year = localYear(now, zone)
    const days = celebratedOn(now, zone)
    const service = pointsService(container)
    const counts = { birthday: 0, anniversary: 0 }
    const pay = async (code: "birthday" | "anniversary", customerId: string) => {
      const done = await attempt(container, `Loyalty: ${code} bonus for ${customerId}`, () =>
        completeLoyaltyActionWorkflow(container).run({
          input: { customer_id: customerId, action_code: code, scope: IdempotencyKeys.memberDayScope(customerId, year), actor_type: "system", now },
        })
      )
      if (done.ok && done.value.result?.created) counts[code]++
    }

    if (input.actions.includes("birthday")) {
      const setBefore = new Date(now.getTime() - input.care.birthday_min_days * 24 * 60 * 60 * 1000)
      await forEachPage(
        ({ after }) => service.listBirthdayMembers({ days, set_before: setBefore, after, limit: BATCH }),
        async (members) => {
          for (const member of members) await pay("birthday", member.customer_id)
        },
        { size: BATCH, until: "short", key: (member) => member.customer_id }
      )
    }

    if (input.actions.includes("anniversary")) {
      // Sign-up dates are Medusa's (customer.created_at): one set-based read per page.
      const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const startOfDay = localDay(now, zone).toJSDate()
      await forEachPage(
        ({ after }) =>
          knex("customer")
            .select("id")
            .where({ has_account: true })
            .whereNull("deleted_at")
            // Signed up before today: the same day of an earlier year.
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
          for (const customer of customers) await pay("anniversary", customer.id)
        },
        { size: BATCH, until: "short", key: (customer) => customer.id }
      )
    }
    return new StepResponse(counts)
  }
)
