import { emitEventStep, linkCustomerGroupsToCustomerWorkflow } from "@medusajs/medusa/core-flows"
import { transform, when, WorkflowData } from "@medusajs/framework/workflows-sdk"
import { earnPosting } from "../../lib/points/program"
import { LoyaltyEvents, pointsEventsFor, tierEventsFor } from "../../lib/shared/events"
import { MembershipWrite, TierChange } from "../../modules/loyalty-tiers/types"
import { CreditPosting } from "../../modules/loyalty-points/types"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { creditPointsStep } from "../points/steps/credit-points"
import { planTierGroupMoveStep } from "./steps/plan-tier-group-move"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

/** The change that earns a bonus: the last upgrade by activity into a tier with a bonus. */
const bonusChange = (write: MembershipWrite | null | undefined): TierChange | null =>
  [...(write?.changes ?? [])].reverse().find((change) => change.bonus_points > 0 && change.to) ?? null

/** The ledger key of a tier's bonus: once per customer and tier, however often they reach it. */

/**
 * The effects of one customer's tier changes, for use inside a workflow's
 * composition: mirror the tier into its customer group (through Medusa's
 * `linkCustomerGroupsToCustomerWorkflow`), credit the tier's bonus points
 * the first time the customer reaches it by activity, and emit
 * `loyalty.tier.changed` per change. Nothing happens when nothing changed.
 */
export function applyTierChanges(write: WorkflowData<MembershipWrite | null>) {
  const groups = planTierGroupMoveStep(write)
  when("loyalty-tier-groups-changed", { groups }, ({ groups }) => !!groups).then(() => {
    linkCustomerGroupsToCustomerWorkflow.runAsStep({
      input: transform({ groups }, ({ groups }) => groups!),
    })
  })

  const bonus = transform({ write }, ({ write }) => bonusChange(write))
  const credited = when("loyalty-tier-bonus-due", { bonus }, ({ bonus }) => !!bonus).then(() => {
    const rules = loadProgramRulesStep()
    const posting = transform({ bonus, rules }, ({ bonus, rules }): CreditPosting =>
      earnPosting(rules, new Date(), {
        customer_id: bonus!.customer_id,
        points: bonus!.bonus_points,
        idempotency_key: IdempotencyKeys.tierBonus(bonus!.customer_id, bonus!.to!.id),
        reason: `Bonus for reaching ${bonus!.to!.name}`,
        reference_type: ReferenceTypes.TIER,
        reference_id: bonus!.to!.id,
      })
    )
    return creditPointsStep(posting)
  })
  const pointsEvents = transform({ credited }, ({ credited }) => pointsEventsFor([credited]))
  when("loyalty-tier-bonus-credited", { pointsEvents }, ({ pointsEvents }) => pointsEvents.length > 0).then(() => {
    emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: pointsEvents }).config({
      name: "loyalty-emit-tier-bonus-earned-step",
    })
  })

  const events = transform({ write }, ({ write }) => tierEventsFor(write?.changes ?? []))
  when("loyalty-tier-changed", { events }, ({ events }) => events.length > 0).then(() => {
    emitEventStep({ eventName: LoyaltyEvents.TIER_CHANGED, data: events }).config({
      name: "loyalty-emit-tier-changed-step",
    })
  })
  return events
}
