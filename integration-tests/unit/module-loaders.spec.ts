import { asValue } from "@medusajs/framework/awilix"
import { createMedusaContainer, ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { LoaderOptions, ModuleExports } from "@medusajs/framework/types"
import campaignsModule from "../../src/modules/loyalty-campaigns"
import insightsModule from "../../src/modules/loyalty-insights"
import pointsModule from "../../src/modules/loyalty-points"
import referralsModule from "../../src/modules/loyalty-referrals"
import tiersModule from "../../src/modules/loyalty-tiers"

/**
 * A store whose plugin options the program cannot run with does not start:
 * Medusa runs each module's loaders at boot and stops on the first that throws
 * ("Loaders for module loyalty_points failed: …"), and the plugin's refuse
 * with every problem named (`checkPluginOptions`). Run here as Medusa runs
 * them, in order, with the module's options; the other module suites start
 * the modules with valid options.
 */
describe("a module started with options it cannot run with", () => {
  const warnings: string[] = []
  const logger = { warn: (message: string) => warnings.push(message), info: () => {}, error: () => {} }
  const runLoaders = async (module: ModuleExports, options: Record<string, unknown>) => {
    const container = createMedusaContainer()
    container.register(ContainerRegistrationKeys.LOGGER, asValue(logger))
    for (const loader of module.loaders ?? []) {
      await loader({ container, logger, options } as unknown as LoaderOptions)
    }
  }

  it("fails at boot, naming each option and its bound", async () => {
    await expect(runLoaders(pointsModule, { points: { earnRates: { eur: 1_000_000 } }, care: { timeZone: "Berlin" } })).rejects.toThrow(
      "medusa-plugin-loyalty-points: the plugin options cannot be used: " +
        'points.earnRates: An earn rate for eur must be between 0 and 1000; care.timeZone: "Berlin" is not an IANA time zone such as Europe/Berlin'
    )
    await expect(runLoaders(tiersModule, { tierGraceDays: -3 })).rejects.toThrow(/tiers\.graceDays: /)
    await expect(runLoaders(referralsModule, { referrals: { referrerPoints: 5_000_000 } })).rejects.toThrow(/referrals\.referrerPoints: /)
    await expect(runLoaders(insightsModule, { insights: { keep_runs: 0 } })).rejects.toThrow(/insights\.keep_runs: /)
    await expect(runLoaders(campaignsModule, { campaigns: { timeZone: "Mars/Olympus" } })).rejects.toThrow(
      'campaigns.timeZone: "Mars/Olympus" is not an IANA time zone such as Europe/Berlin'
    )
  })

  it("starts with valid options, and still warns of the flat names", async () => {
    await runLoaders(pointsModule, { earnRates: { eur: 2 }, points: { pendingDays: 14 } })
    await runLoaders(tiersModule, { tiers: { window: "calendar_year" } })
    expect(warnings).toEqual([expect.stringContaining("earnRates → points.earnRates")])
  })
})
