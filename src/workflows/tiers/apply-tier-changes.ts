import { emitEventStep, linkCustomerGroupsToCustomerWorkflow } from "@medusajs/medusa/core-flows"
import { transform, when, WorkflowData } from "@medusajs/framework/workflows-sdk"
import { earnPosting, ProgramRules } from "../../lib/points/program"
import { LoyaltyEvents, pointsEventsFor, tierEventsFor } from "../../lib/shared/events"
import { MembershipWrite } from "../../modules/loyalty-tiers/types"
import { CreditPosting } from "../../modules/loyalty-points/types"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { creditPointsBatchStep } from "../points/steps/credit-points-batch"
import { planTierGroupMoveStep } from "./steps/plan-tier-group-move"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

/**
 * The bonuses a write pays (`MembershipWrite.bonuses`: each tier the earned
 * tier reaches or passes by activity, an override in effect or not), one
 * credit per tier, keyed once per customer and tier: however often they
 * reach it, and whichever of their writes gets there.
 */
function bonusPostings(write: MembershipWrite | null | undefined, rules: ProgramRules, at: Date): CreditPosting[] {
  if (!write) return []
  const postings = new Map<string, CreditPosting>()
  for (const bonus of write.bonuses) {
    const key = IdempotencyKeys.tierBonus(write.customer_id, bonus.tier.id)
    postings.set(
      key,
      earnPosting(rules, at, {
        customer_id: write.customer_id,
        points: bonus.points,
        idempotency_key: key,
        reason: `Bonus for reaching ${bonus.tier.name}`,
        reference_type: ReferenceTypes.TIER,
        reference_id: bonus.tier.id,
      })
    )
  }
  return [...postings.values()]
}

/**
 * The effects of one customer's tier changes, for use inside a workflow's
 * composition: mirror the tier into its customer group (through Medusa's
 * `linkCustomerGroupsToCustomerWorkflow`), credit the bonus points of each
 * tier the customer's earned tier reaches or passes by activity, the first
 * time (under an override too: the member earned it), and emit
 * `loyalty.tier.changed` per change. Nothing happens when nothing changed.
 */
export function applyTierChanges(write: WorkflowData<MembershipWrite | null>) {
  const groups = planTierGroupMoveStep(write)
  when("loyalty-tier-groups-changed", { groups }, ({ groups }) => !!groups).then(() => {
    linkCustomerGroupsToCustomerWorkflow.runAsStep({
      input: transform({ groups }, ({ groups }) => groups!),
    })
  })

  const bonusDue = transform({ write }, ({ write }) => (write?.bonuses ?? []).length > 0)
  const credited = when("loyalty-tier-bonus-due", { bonusDue }, ({ bonusDue }) => bonusDue).then(() => {
    const rules = loadProgramRulesStep()
    const postings = transform({ write, rules }, ({ write, rules }) => bonusPostings(write, rules, new Date()))
    return creditPointsBatchStep(postings)
  })
  const pointsEvents = transform({ credited }, ({ credited }) => pointsEventsFor(credited ?? []))
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
