import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { addDays } from "../../lib/shared/dates"
import { qualificationWindow, qualifyingTier } from "../../lib/tiers/rules"
import { pointsService } from "../points/steps/resolve-service"
import { evaluateCustomerTierWorkflow } from "./evaluate-customer-tier"
import { recordOrderQualificationWorkflow } from "./record-order-qualification"
import { reviewCustomerTierWorkflow } from "./review-customer-tier"
import { endTierOverrideWorkflow } from "./set-tier-override"
import { applyGroupMoves, customersInGroup, GroupMove, reverseGroupMoves } from "./steps/customer-groups"
import { releaseActivityKey } from "./steps/load-release-activity"
import { tiersService } from "./steps/resolve-service"

export const evaluateTiersWorkflowId = "evaluate-loyalty-tiers"

const BATCH = 500
/** How far back the catch-up looks for releases whose `loyalty.points.released` handling was lost. */
export const TIER_CATCH_UP_DAYS = 60

/**
 * Run one customer's workflow; a failure is logged and skipped so one
 * customer never blocks everyone else's pass (the next run retries).
 */
async function perCustomer(
  container: MedusaContainer,
  what: string,
  customerId: string,
  run: () => Promise<{ result: { write: { changes: unknown[] } | null } }>
): Promise<number> {
  try {
    const { result } = await run()
    return result.write?.changes.length ? 1 : 0
  } catch (error) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`Loyalty tiers: ${what} of customer ${customerId} failed: ${(error as Error).message}`)
    return -1
  }
}

export const catchUpTierActivityStepId = "catch-up-loyalty-tier-activity"

/**
 * The local event bus drops an event whose handler failed. This step finds
 * recent point releases that were never counted toward tiers and counts them
 * now, by the same key, so a lost `loyalty.points.released` never costs a
 * customer their tier. Each release runs its own workflow; nothing to undo here.
 */
export const catchUpTierActivityStep = createStep(
  catchUpTierActivityStepId,
  async (input: { now: Date }, { container }) => {
    const points = pointsService(container)
    const since = addDays(new Date(input.now), -TIER_CATCH_UP_DAYS)
    let recorded = 0
    for (let skip = 0; ; skip += BATCH) {
      const releases = await points.listEntries(
        { type: "release", created_at: { $gte: since, $lte: new Date(input.now) } },
        { select: ["id", "account_id"], take: BATCH, skip, order: { created_at: "ASC", id: "ASC" } }
      )
      const missing = new Set(
        await tiersService(container).missingActivityKeys(releases.map((entry) => releaseActivityKey(entry.id)))
      )
      const unrecorded = releases.filter((entry) => missing.has(releaseActivityKey(entry.id)))
      if (unrecorded.length) {
        const accounts = await points.listAccounts(
          { id: [...new Set(unrecorded.map((entry) => entry.account_id))] },
          { select: ["id", "customer_id"], take: null }
        )
        const owner = new Map(accounts.map((account) => [account.id, account.customer_id]))
        for (const entry of unrecorded) {
          const customerId = owner.get(entry.account_id)
          if (!customerId) continue
          const done = await perCustomer(container, "counting a release", customerId, async () => {
            const { result } = await recordOrderQualificationWorkflow(container).run({
              input: { entry_id: entry.id, customer_id: customerId, now: new Date(input.now) },
            })
            return { result: { write: result.evaluated.write } }
          })
          if (done >= 0) recorded++
        }
      }
      if (releases.length < BATCH) break
    }
    return new StepResponse(recorded)
  }
)

export const endDueTierOverridesStepId = "end-due-loyalty-tier-overrides"

/** End every override whose end date has passed; the earned tier is back. */
export const endDueTierOverridesStep = createStep(
  endDueTierOverridesStepId,
  async (input: { now: Date }, { container }) => {
    const now = new Date(input.now)
    const failed = new Set<string>()
    let ended = 0
    for (;;) {
      const due = (await tiersService(container).listDueOverrides(now, BATCH + failed.size)).filter(
        (id) => !failed.has(id)
      )
      if (!due.length) break
      for (const customerId of due) {
        const done = await perCustomer(container, "ending an override", customerId, () =>
          endTierOverrideWorkflow(container).run({
            input: { customer_id: customerId, now, actor_id: null, reason: null },
          })
        )
        if (done < 0) failed.add(customerId)
        else ended++
      }
    }
    return new StepResponse(ended)
  }
)

export const reviewDueTiersStepId = "review-due-loyalty-tiers"

/**
 * Review every customer whose period (plus grace days) has ended. A review
 * moves the period on, so a second run finds nobody due: idempotent.
 */
export const reviewDueTiersStep = createStep(
  reviewDueTiersStepId,
  async (input: { now: Date }, { container }) => {
    const now = new Date(input.now)
    const failed = new Set<string>()
    let changed = 0
    let reviewed = 0
    for (;;) {
      const due = (await tiersService(container).listDueReviews(now, BATCH + failed.size)).filter(
        (id) => !failed.has(id)
      )
      if (!due.length) break
      for (const customerId of due) {
        const done = await perCustomer(container, "the period review", customerId, () =>
          reviewCustomerTierWorkflow(container).run({ input: { customer_id: customerId, now } })
        )
        if (done < 0) failed.add(customerId)
        else {
          reviewed++
          changed += done
        }
      }
    }
    return new StepResponse({ reviewed, changed })
  }
)

export const upgradeQualifiedCustomersStepId = "upgrade-qualified-loyalty-customers"

/**
 * Upgrade everyone whose activity in the current window reaches a higher
 * tier than the one they earned: after a threshold was lowered or a tier
 * added, or when an evaluation failed. Set-based: one query per page of
 * customers, a workflow only for those who move up.
 */
export const upgradeQualifiedCustomersStep = createStep(
  upgradeQualifiedCustomersStepId,
  async (input: { now: Date }, { container }) => {
    const now = new Date(input.now)
    const service = tiersService(container)
    const tiers = await service.listTiersByRank()
    if (!tiers.length) return new StepResponse(0)
    const rank = new Map(tiers.map((tier) => [tier.id, tier.rank]))
    const window = qualificationWindow(await service.getSettings(), now)
    let upgraded = 0
    for (let after: string | null = null; ; ) {
      const page = await service.metricsPage(window.start, now, after, BATCH)
      if (!page.length) break
      const earned = await service.earnedTiers(page.map((row) => row.customer_id))
      for (const { customer_id, metrics } of page) {
        const target = qualifyingTier(tiers, metrics)
        const current = earned.get(customer_id)
        if (!target || target.rank <= (current ? rank.get(current) ?? 0 : 0)) continue
        const done = await perCustomer(container, "the upgrade", customer_id, () =>
          evaluateCustomerTierWorkflow(container).run({ input: { customer_id, now } })
        )
        if (done > 0) upgraded++
      }
      after = page[page.length - 1].customer_id
    }
    return new StepResponse(upgraded)
  }
)

export const syncTierGroupsStepId = "sync-loyalty-tier-groups"

/**
 * Repair the customer groups: every member of a tier in its group, and
 * nobody in a tier's group whose tier in effect is another one (customers the
 * plugin knows nothing about are left alone, so staff can still add people
 * by hand). Changes go through Medusa's customer-group workflow; the moves
 * are undone if a later step fails.
 */
export const syncTierGroupsStep = createStep(
  syncTierGroupsStepId,
  async (_: { now: Date }, { container }) => {
    const service = tiersService(container)
    const customers = container.resolve(Modules.CUSTOMER)
    const tiers = (await service.listTiersByRank()).filter((tier) => tier.customer_group_id)
    const groupOfTier = new Map(tiers.map((tier) => [tier.id, tier.customer_group_id]))
    const moves: GroupMove[] = []
    for (const tier of tiers) {
      const groupId = tier.customer_group_id!
      const add: string[] = []
      for (let after: string | null = null; ; ) {
        const members = await service.listTierMemberIds(tier.id, after, BATCH)
        if (!members.length) break
        const inGroup = await customersInGroup(container, groupId, members)
        add.push(...members.filter((id) => !inGroup.has(id)))
        after = members[members.length - 1]
      }
      const remove: string[] = []
      for (let skip = 0; ; skip += BATCH) {
        const rows = await customers.listCustomerGroupCustomers(
          { customer_group_id: groupId },
          { select: ["customer_id"], take: BATCH, skip, order: { id: "ASC" } }
        )
        const inEffect = await service.tiersInEffect(rows.map((row) => row.customer_id))
        for (const [customerId, tierId] of inEffect) {
          if ((tierId ? groupOfTier.get(tierId) : null) !== groupId) remove.push(customerId)
        }
        if (rows.length < BATCH) break
      }
      if (add.length || remove.length) moves.push({ group_id: groupId, add, remove })
    }
    const done = await applyGroupMoves(container, moves)
    const count = (key: "add" | "remove") => done.reduce((sum, move) => sum + move[key].length, 0)
    return new StepResponse({ added: count("add"), removed: count("remove") }, done)
  },
  async (done, { container }) => {
    if (done?.length) {
      await applyGroupMoves(container, reverseGroupMoves(done))
    }
  }
)

/**
 * The daily tier pass, as of `now`: count releases whose event was lost, end
 * overrides past their date, review customers whose period (plus grace)
 * ended, upgrade anyone whose activity reaches a higher tier, and repair
 * customer-group membership. Every part finds nothing left to do on a second
 * run at the same `now`, so re-running the job changes nothing.
 *
 * @summary The daily evaluation of membership tiers.
 *
 * @example
 * await evaluateTiersWorkflow(container).run({ input: { now: new Date() } })
 */
export const evaluateTiersWorkflow = createWorkflow(evaluateTiersWorkflowId, (input: { now: Date }) => {
  const counted = catchUpTierActivityStep(input)
  const overridesEnded = endDueTierOverridesStep(input)
  const reviews = reviewDueTiersStep(input)
  const upgraded = upgradeQualifiedCustomersStep(input)
  const groups = syncTierGroupsStep(input)
  return new WorkflowResponse({ counted, overrides_ended: overridesEnded, reviews, upgraded, groups })
})

export const endDueTierOverridesWorkflowId = "end-due-loyalty-tier-overrides"

/**
 * End every override whose end date has passed, as of `now`. The job runs it
 * every minute, so the customer group (and the prices and promotions aimed at
 * it) follows an override's end within the minute instead of at the daily
 * pass; reads already treat an override past its date as ended.
 *
 * @summary End tier overrides whose end date has passed.
 *
 * @example
 * await endDueTierOverridesWorkflow(container).run({ input: { now: new Date() } })
 */
export const endDueTierOverridesWorkflow = createWorkflow(endDueTierOverridesWorkflowId, (input: { now: Date }) => {
  const overridesEnded = endDueTierOverridesStep(input)
  return new WorkflowResponse({ overrides_ended: overridesEnded })
})
