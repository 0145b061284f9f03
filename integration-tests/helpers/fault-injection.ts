import { WorkflowManager } from "@medusajs/framework/orchestration"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { eventually } from "./loyalty"

/**
 * Test-only fault injection, with no switch in the plugin's code: Medusa keeps
 * every workflow's step handlers in `WorkflowManager` (a process-wide
 * registry), and each run copies them when it starts. A test replaces one
 * step's `invoke` handler with one that throws, runs the workflow, and puts
 * the original back. Production never calls this, so its code path has
 * nothing to arm or disarm.
 *
 * A fault fires once, and only in runs whose transaction id contains
 * `marker` (nested workflows carry their parent's id), so the subscribers and
 * jobs running in the same app are not hit by accident.
 */
export type StepHandler = { invoke: (args: { transaction?: { transactionId?: string } }) => Promise<unknown> }

type RegisteredWorkflow = { handlers_: Map<string, StepHandler> }

export function workflowSteps(workflowId: string): string[] {
  const workflow = WorkflowManager.getWorkflow(workflowId) as unknown as RegisteredWorkflow | undefined
  if (!workflow) throw new Error(`workflow ${workflowId} is not registered`)
  return [...workflow.handlers_.keys()]
}

export type Fault = { fired: () => boolean; disarm: () => void }

/**
 * Make the workflow's runs that are not the test's fail at their first step,
 * before they write anything (as if their event had been lost), so the
 * test's own run is the one that does the work.
 */
export function blockOtherRuns(workflowId: string, marker: string): Fault {
  return armFault(workflowId, workflowSteps(workflowId)[0], { marker, fail: false, blockOthers: true })
}

export function armFault(
  workflowId: string,
  stepId: string,
  {
    marker,
    fail = true,
    blockOthers = false,
    meanwhile,
  }: { marker: string; fail?: boolean; blockOthers?: boolean; meanwhile?: () => Promise<void> }
): Fault {
  const workflow = WorkflowManager.getWorkflow(workflowId) as unknown as RegisteredWorkflow | undefined
  const original = workflow?.handlers_.get(stepId)
  if (!workflow || !original) throw new Error(`no step ${stepId} in workflow ${workflowId}`)
  let fired = false
  workflow.handlers_.set(stepId, {
    ...original,
    invoke: async (args) => {
      const ours = (args.transaction?.transactionId ?? "").includes(marker)
      if (ours && fail && !fired) {
        fired = true
        // What another flow does between the steps before and this one (their writes are committed).
        if (meanwhile) await meanwhile()
        throw new Error(`Injected fault: ${workflowId} / ${stepId}`)
      }
      if (!ours && blockOthers) {
        throw new Error(`Blocked by the fault-injection test: ${workflowId} / ${stepId}`)
      }
      return await original.invoke(args)
    },
  })
  return {
    fired: () => fired,
    disarm: () => workflow.handlers_.set(stepId, original),
  }
}

/**
 * Run a workflow once with one of its steps failing (an injected fault), as a
 * crash at that step would, and check that the run failed there and nowhere
 * else. `run` starts the workflow under the transaction id it is given, with
 * `throwOnError: false`; the fault is disarmed whatever happens. `meanwhile`
 * runs at the failing step before it throws: another flow acting between the
 * run's earlier steps and their compensation.
 */
export async function runFailingAt(
  workflowId: string,
  stepId: string,
  run: (transactionId: string) => Promise<{ errors: { error?: { message?: string } }[] }>,
  { meanwhile }: { meanwhile?: () => Promise<void> } = {}
): Promise<void> {
  const marker = `test-fault-${workflowId}-${stepId}`
  const fault = armFault(workflowId, stepId, { marker, meanwhile })
  try {
    const { errors } = await run(`${marker}-${Date.now()}`)
    expect(fault.fired()).toBe(true)
    expect(errors.map((e) => e.error?.message ?? String(e))).toEqual([expect.stringMatching(/Injected fault/)])
  } finally {
    fault.disarm()
  }
}

/** States of a workflow execution that has ended (or never started), as Medusa's test runner counts them. */
const ENDED = ["not_started", "done", "reverted", "failed"]

export type UnfinishedExecution = { id: string; workflow_id: string; transaction_id: string; state: string }

/**
 * Wait, at most `timeoutMs`, for the workflow executions whose transaction id
 * contains `marker` (all of them without one) to end; answers those still
 * running then. Medusa's test runner waits for every execution after each
 * test with no bound, so one stuck (a compensation that never ends) would
 * hang the suite: the test checks with a bound instead, and says which.
 */
export async function unfinishedExecutions(
  container: MedusaContainer,
  { marker, timeoutMs }: { marker?: string; timeoutMs: number }
): Promise<UnfinishedExecution[]> {
  const engine = container.resolve(Modules.WORKFLOW_ENGINE)
  const running = async () =>
    (
      await engine.listWorkflowExecutions(
        { state: { $nin: ENDED } },
        { select: ["id", "workflow_id", "transaction_id", "state"] }
      )
    )
      .filter((execution) => !marker || execution.transaction_id.includes(marker))
      .map(({ id, workflow_id, transaction_id, state }) => ({ id, workflow_id, transaction_id, state: String(state) }))
  try {
    return await eventually(
      async () => {
        const left = await running()
        if (left.length) throw new Error("still running")
        return left
      },
      { timeout: timeoutMs, interval: 250 }
    )
  } catch {
    return await running()
  }
}

export const describeExecutions = (executions: UnfinishedExecution[]) =>
  executions.map((e) => `${e.workflow_id} ${e.transaction_id} (${e.state})`).join(", ")

/**
 * After the test has recorded them as a failure: mark executions that never
 * ended as failed in the engine's table, so that the runner's unbounded wait
 * after the test ends and the failure is reported instead of a hang.
 */
export async function giveUpExecutions(container: MedusaContainer, executions: UnfinishedExecution[]) {
  if (!executions.length) return
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  await knex("workflow_execution").whereIn("id", executions.map((e) => e.id)).update({ state: "failed" })
}
