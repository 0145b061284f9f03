import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { httpSuite } from "../helpers/one-boot"

/** What the two workflows below did, in order. */
const happened: string[] = []

const holdStep = createStep(
  "loyalty-test-hold-step",
  async (input: { hold: string }) => {
    happened.push(`hold ${input.hold}`)
    return new StepResponse(input.hold, input.hold)
  },
  async (hold) => {
    happened.push(`undo ${hold}`)
  }
)

/** A nested workflow as Medusa's own loyalty plugin runs one from a core hook: not stored. */
const notStoredWorkflow = createWorkflow(
  "loyalty-test-nested-not-stored",
  (input: { hold: string }) => new WorkflowResponse(holdStep(input))
)

/**
 * Behaviour of Medusa 2.21 that a design decision of the plugin rests on, so
 * that an upgrade that changes it fails here rather than in a checkout.
 *
 * The checkout hook (`workflows/redemption/complete-cart-hook.ts`) debits the
 * points itself and hands the compensation what to undo, instead of running
 * a nested workflow and compensating by cancelling it, as Medusa's own
 * loyalty plugin does (`confirmCartCreditLinesWorkflow(...).cancel`): once a
 * nested workflow that is not stored has finished, the workflow engine no
 * longer knows its transaction, so the cancel throws and nothing is undone
 * (docs/architecture.md, "Design decisions").
 */
export default httpSuite({
  title: "Medusa behaviour the plugin relies on",
  register: ({ getContainer }) => {
    beforeEach(() => {
      happened.length = 0
    })

    it("cannot cancel a finished nested workflow that is not stored: compensating a hook that way undoes nothing", async () => {
      const container = getContainer()
      const transactionId = `not-stored-${Date.now()}`
      await notStoredWorkflow(container).run({ input: { hold: "a" }, context: { transactionId } })
      await expect(notStoredWorkflow(container).cancel({ transactionId, container })).rejects.toThrow(
        `Transaction ${transactionId} could not be found`
      )
      expect(happened).toEqual(["hold a"])
    })

  },
})
