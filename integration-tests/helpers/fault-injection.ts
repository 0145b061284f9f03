import { WorkflowManager } from "@medusajs/framework/orchestration"

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
  { marker, fail = true, blockOthers = false }: { marker: string; fail?: boolean; blockOthers?: boolean }
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
