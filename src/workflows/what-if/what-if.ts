import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { addMonths } from "../../lib/shared/dates"
import { proposedRules, WhatIfProposal } from "../../lib/what-if/proposal"
import { loadWhatIfRulesStep } from "./steps/load-what-if-rules"
import { replayOrderHistoryStep } from "./steps/replay-order-history"

export const whatIfWorkflowId = "loyalty-what-if"

export type WhatIfInput = WhatIfProposal & {
  /** Start of the period replayed; default 12 months before `to`. */
  from?: Date | string
  /** End of the period (exclusive); default now. */
  to?: Date | string
  /** How many of the most affected customers to list (default 10). */
  most_affected?: number
}

/**
 * What a proposed change of the rules would have done to the store's own
 * history, side by side with the rules in force: the period's orders
 * replayed under both with the earn workflow's own function (so the rules
 * in force reproduce what the ledger issued), the points redeemed and
 * expired under each member's observed behaviour, the liability in money,
 * the cost as a share of revenue, members per tier and who moves, the
 * customers most affected, and the next 12 months from the fitted customer
 * models. Changes no rule and no balance: a merchant sees the cost before
 * publishing. (The one write: an order without earning facts, placed before
 * the plugin, gets them from Medusa's tables the first time a replay reads
 * it.)
 *
 * @summary Replay the order history under proposed loyalty rules.
 *
 * @example
 * const { result } = await whatIfWorkflow(container).run({ input: { program: { earn_rates: { eur: 2 } } } })
 */
export const whatIfWorkflow = createWorkflow(whatIfWorkflowId, (input: WhatIfInput) => {
  const loaded = loadWhatIfRulesStep()
  const replay = transform({ input, loaded }, ({ input, loaded }) => {
    const to = input.to ? new Date(input.to) : new Date()
    const from = input.from ? new Date(input.from) : addMonths(to, -12)
    return {
      from,
      to,
      current: loaded.rules,
      proposed: proposedRules(loaded.rules, input, loaded.time_zone),
      most_affected: input.most_affected ?? 10,
    }
  })
  const result = replayOrderHistoryStep(replay)
  return new WorkflowResponse(result)
})
