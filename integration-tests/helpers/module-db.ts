/**
 * A database name of its own for a module suite. `moduleIntegrationTestRunner`
 * names its database after the module and the Jest worker only, so two runs of
 * the same suite at once (two worktrees, a developer and a CI job on one
 * server) drop each other's schema mid-test. The process id makes it unique
 * per run; the runner still drops it at the end.
 */
export function moduleTestDbName(moduleName: string): string {
  return `medusa-${moduleName.toLowerCase()}-integration-${process.pid}`
}
