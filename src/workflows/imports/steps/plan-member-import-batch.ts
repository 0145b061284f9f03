import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { RowProblem } from "../../../lib/imports/formats"
import { BatchPlan, importRowKeys, NumberedRow, planImportBatch } from "../../../lib/imports/plan"
import { creditRoom } from "../../../lib/points/ledger"
import { expiryDate } from "../../../lib/shared/dates"
import { Limits } from "../../../lib/shared/vocabulary"
import { pointsService } from "../../points/steps/resolve-service"
import { tiersService } from "../../tiers/steps/resolve-service"

export const planMemberImportBatchStepId = "loyalty-plan-member-import-batch-step"

/** A row as it travels through a workflow: dates as ISO strings. */
export type MemberImportRowInput = Omit<NumberedRow, "expires_at"> & { expires_at: string | null }

export type PlanMemberImportBatchInput = {
  import_key: string
  /** Credit members an earlier import (another key) credited: the run's `repeat_members`. */
  repeat_members: boolean
  rows: MemberImportRowInput[]
  problems: RowProblem[]
  now: string
  /**
   * A dry run's points planned in earlier batches for this batch's emails:
   * nothing was credited, so they count against the member's room here. A
   * real run's earlier credits are in the accounts already.
   */
  planned_before?: { email: string; points: number }[]
}

/** A batch's plan as it travels through a workflow (dates as ISO strings). */
export type MemberImportBatchPlan = Omit<BatchPlan, "postings"> & {
  postings: (Omit<BatchPlan["postings"][number], "expires_at"> & { expires_at: string | null })[]
}

/**
 * What a batch would do: reads the members behind its emails (`query.graph`
 * on customers with an account), which of its ledger keys exist (by content,
 * and as older runs keyed them), which members an earlier import under
 * another key credited (`earlierImportCredits`), who has a
 * birthday, the tiers and the members' tiers, the points each account can
 * still take (`creditRoom`), and the program's expiry, then plans with the
 * pure rules of `lib/imports/plan`. Reads only, so the dry run is this step
 * alone.
 */
export const planMemberImportBatchStep = createStep(
  planMemberImportBatchStepId,
  async (input: PlanMemberImportBatchInput, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    // Medusa stores emails as they were typed: look each up as lower-cased and as written.
    const emails = [...new Set(input.rows.flatMap((row) => [row.email, row.email_as_written]))]
    const customers = new Map<string, string>()
    if (emails.length) {
      const { data } = await query.graph({
        entity: "customer",
        fields: ["id", "email"],
        filters: { email: emails, has_account: true },
        pagination: { take: emails.length, skip: 0 },
      })
      for (const customer of data) {
        if (customer.email) customers.set(customer.email.toLowerCase(), customer.id)
      }
    }
    const points = pointsService(container)
    const tiers = tiersService(container)
    const customerIds = [...new Set(customers.values())]
    const rules = await points.getProgramRules()
    const draft = planImportBatch(
      input.rows.map((row) => ({ ...row, expires_at: row.expires_at ? new Date(row.expires_at) : null })),
      input.problems,
      {
        import_key: input.import_key,
        customers,
        existing_keys: new Set(),
        earlier: new Map(),
        repeat_members: true,
        tiers: [],
        birthdays_set: new Set(),
        current_tiers: new Map(),
        default_expiry: null,
        room: new Map(),
      }
    )
    // The draft plans every member's rows (no room used, nobody earlier): its keys are all the batch can write.
    const legacyKeys = input.rows.flatMap((row) => {
      const customerId = customers.get(row.email)
      return customerId && row.points > 0 ? [importRowKeys(input.import_key, customerId, { ...row, expires_at: null }).legacy] : []
    })
    const [existingKeys, earlier, tierList, currentTiers, accounts] = await Promise.all([
      points.existingEntryKeys([...draft.postings.map((p) => p.idempotency_key), ...legacyKeys]),
      input.repeat_members ? Promise.resolve(new Map()) : points.earlierImportCredits({ customer_ids: customerIds, import_key: input.import_key }),
      tiers.listTiersByRank(),
      tiers.membershipTiers(customerIds, "tier_id"),
      customerIds.length
        ? points.listAccounts({ customer_id: customerIds }, { select: ["customer_id", "balance", "lifetime_earned", "birthday_month"], take: null })
        : Promise.resolve([]),
    ])
    const room = new Map<string, number>(accounts.map((account) => [account.customer_id, creditRoom(account)]))
    for (const { email, points: planned } of input.planned_before ?? []) {
      const customerId = customers.get(email)
      if (customerId) room.set(customerId, Math.max((room.get(customerId) ?? Limits.account_points) - planned, 0))
    }
    const plan = planImportBatch(
      input.rows.map((row) => ({ ...row, expires_at: row.expires_at ? new Date(row.expires_at) : null })),
      input.problems,
      {
        import_key: input.import_key,
        customers,
        existing_keys: new Set(existingKeys),
        earlier,
        repeat_members: input.repeat_members,
        tiers: tierList.map((tier) => ({ id: tier.id, name: tier.name })),
        birthdays_set: new Set(accounts.flatMap((account) => (account.birthday_month != null ? [account.customer_id] : []))),
        current_tiers: currentTiers,
        default_expiry: expiryDate(input.now, rules.expiry_months),
        room,
      }
    )
    return new StepResponse<MemberImportBatchPlan>({
      ...plan,
      postings: plan.postings.map((p) => ({ ...p, expires_at: p.expires_at ? p.expires_at.toISOString() : null })),
    })
  }
)
