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

/** The same nested workflow, stored after it finished (as `completeCartWorkflow` itself is). */
const storedWorkflow = createWorkflow(
  { name: "loyalty-test-nested-stored", store: true, retentionTime: 60 },
  (input: { hold: string }) => new WorkflowResponse(holdStep(input))
)

/**
 * Behaviour of Medusa 2.21 that a design decision of the plugin rests on, so
 * that an upgrade that changes it fails here rather than in a checkout.
 *
 * The checkout hook (`workflows/redemption/complete-cart-hook.ts`) runs
 * `holdCheckoutRedemptionWorkflow` and compensates by cancelling it, as
 * Medusa's own loyalty plugin does (`confirmCartCreditLinesWorkflow(...).cancel`),
 * but with the workflow stored: once a nested workflow that is not stored
 * has finished, the workflow engine no longer knows its transaction, so the
 * cancel throws and nothing is undone; a stored one (`store` and a
 * `retentionTime`) is found and compensated, once (docs/architecture.md,
 * "Design decisions").
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

    it("cancels a finished nested workflow that is stored, once: its steps are compensated", async () => {
      const container = getContainer()
      const transactionId = `stored-${Date.now()}`
      await storedWorkflow(container).run({ input: { hold: "b" }, context: { transactionId } })
      await storedWorkflow(container).cancel({ transactionId, container })
      expect(happened).toEqual(["hold b", "undo b"])
      // A second cancel finds nothing to undo (the run is reverted), so nothing is given back twice.
      await expect(storedWorkflow(container).cancel({ transactionId, container })).rejects.toThrow(
        `Transaction ${transactionId} could not be found`
      )
      expect(happened).toEqual(["hold b", "undo b"])
    })

  },
})
