import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

/** A change to versioned settings (the points program's rules, the referral program): what changes, and who changed it. */
export type VersionChanges<S extends { version: number }> = {
  changes: Partial<Omit<S, "version">>
  actor_id: string | null
}

/**
 * A step that saves versioned settings as a new version (`save`: the
 * module's update method, which answers the settings now in force), and
 * whose compensation removes that version (`remove`), so the previous one is
 * in force again. So the settings steps differ only in whose settings they
 * save.
 *
 * @example
 * export const updateProgramRulesStep = createVersionStep(updateProgramRulesStepId, pointsService, {
 *   save: (service, input: UpdateProgramRulesInput) => service.updateProgramRules(input.changes, input.actor_id),
 *   remove: ...,
 * })
 */
export function createVersionStep<Service, I, S extends { version: number }>(
  id: string,
  service: (container: MedusaContainer) => Service,
  versions: {
    save: (service: Service, input: I) => Promise<S>
    remove: (service: Service, version: number) => Promise<unknown>
  }
) {
  return createStep<I, S, number>(
    id,
    async (input, { container }) => {
      const saved = await versions.save(service(container), input)
      return new StepResponse(saved, saved.version)
    },
    async (version, { container }) => {
      if (!version) return
      await versions.remove(service(container), version)
    }
  )
}
