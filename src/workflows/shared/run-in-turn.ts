import type { MedusaContainer } from "@medusajs/framework/types"
import type { ReturnWorkflow } from "@medusajs/framework/workflows-sdk"

/**
 * Run several workflows on the same input one after another, each in its own
 * transaction (a subscriber with more than one thing to do on an event). A
 * failure stops the rest and fails the handler, so the event is delivered
 * again and the ones before run again: each must be idempotent.
 */
export async function runInTurn<I>(container: MedusaContainer, workflows: ReturnWorkflow<I, unknown, unknown[]>[], input: I): Promise<void> {
  for (const workflow of workflows) {
    await workflow(container).run({ input })
  }
}
