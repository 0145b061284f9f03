import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { EarningTier } from "../../../lib/points/order-points"
import { ProgramRules } from "../../../lib/points/program"
import { CampaignFacts, loadCampaignFacts } from "../../campaigns/steps/campaign-facts"
import { tiersService } from "../../tiers/steps/resolve-service"
import { pointsService } from "./resolve-service"

export const loadEarningTermsStepId = "loyalty-load-earning-terms-step"

/** The order an award computes terms for: its customer, whether they are a member, when it was placed. */
export type EarningTermsInput = {
  order_id: string
  customer_id: string | null
  is_member: boolean
  at: Date | string
} | null

/** What an order's points are computed with, besides the order. */
export type EarningTerms = {
  /** The program's rules in force now, so every later step uses the same version. */
  rules: ProgramRules
  /** The customer's tier in effect when the order was placed (an override active then wins); null without one. */
  tier: EarningTier | null
  /** The per-product rules, campaigns and targeting facts at the order's placement; null for a guest's order. */
  facts: CampaignFacts | null
}

/**
 * Everything an order's award computes its points with, besides the order:
 * the program rules, the customer's tier in effect when the order was
 * placed and, for a member's order, the campaigns and earning rules running
 * then with the facts they target (`loadCampaignFacts`). The three reads
 * are independent, so they run together, in one step: the award follows
 * every checkout, and Medusa's orchestrator pays for every step of a run
 * (it walks the run's steps after each one). Null input (no order) reads
 * the rules alone. Read only: nothing to compensate.
 */
export const loadEarningTermsStep = createStep(loadEarningTermsStepId, async (input: EarningTermsInput, { container }) => {
  const [rules, tier, facts] = await Promise.all([
    pointsService(container).getProgramRules(),
    input?.customer_id ? tiersService(container).effectiveTier(input.customer_id, new Date(input.at)) : null,
    input?.customer_id && input.is_member
      ? loadCampaignFacts(container, { entity: "order", id: input.order_id, customer_id: input.customer_id, at: input.at })
      : null,
  ])
  return new StepResponse<EarningTerms>({
    rules,
    tier: tier ? { id: tier.id, name: tier.name, earn_multiplier: tier.earn_multiplier } : null,
    facts,
  })
})
