import { readdirSync, readFileSync, statSync } from "fs"
import { join, relative } from "path"

const WORKFLOWS = join(__dirname, "../../src/workflows")

function moduleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return moduleFiles(path)
    return name.endsWith(".ts") ? [path] : []
  })
}

type Found = { id: string; where: string }

/** Every workflow and step the plugin defines, read from what its modules export. */
function definitions() {
  const workflows = new Map<unknown, Found>()
  const steps = new Map<unknown, Found>()
  const constants: Found[] = []
  for (const file of moduleFiles(WORKFLOWS)) {
    const where = relative(WORKFLOWS, file)
    const exports: Record<string, unknown> = require(file)
    for (const [name, value] of Object.entries(exports)) {
      if (/(Workflow|Step)Id$/.test(name) && typeof value === "string") constants.push({ id: value, where: `${where} ${name}` })
      if (typeof value !== "function") continue
      const fn = value as { getName?: () => string; __step__?: string }
      if (typeof fn.getName === "function") workflows.set(value, { id: fn.getName(), where: `${where} ${name}` })
      else if (typeof fn.__step__ === "string") steps.set(value, { id: fn.__step__, where: `${where} ${name}` })
    }
  }
  return { workflows: [...workflows.values()], steps: [...steps.values()], constants }
}

describe("workflow and step ids", () => {
  const { workflows, steps, constants } = definitions()

  it("finds the plugin's workflows and steps", () => {
    expect(workflows.length).toBeGreaterThan(30)
    expect(steps.length).toBeGreaterThan(50)
  })

  it("are all prefixed loyalty-, so they never meet Medusa's or another plugin's", () => {
    const unprefixed = [...workflows, ...steps, ...constants].filter(({ id }) => !id.startsWith("loyalty-"))
    expect(unprefixed).toEqual([])
  })

  it("are unique: no two steps, no two workflows, and no step and workflow share an id", () => {
    const all = [...workflows, ...steps]
    const byId = new Map<string, string[]>()
    for (const { id, where } of all) byId.set(id, [...(byId.get(id) ?? []), where])
    const shared = [...byId].filter(([, places]) => places.length > 1)
    expect(shared).toEqual([])
  })

  it("name steps with -step, so a step's id never reads as a workflow's", () => {
    expect(steps.filter(({ id }) => !id.endsWith("-step"))).toEqual([])
    expect(workflows.filter(({ id }) => id.endsWith("-step"))).toEqual([])
  })

  /**
   * A step used twice in one workflow is renamed there (`.config({ name })`),
   * and a `when` branch has a name of its own: those names live in the
   * workflow's stored execution next to the exported ids, so they follow the
   * same scheme. Read from the source, since no module exports them.
   */
  it("name the steps and branches inside a workflow the same way: loyalty-, and a renamed step ends in -step", () => {
    const found = moduleFiles(WORKFLOWS).flatMap((file) => {
      const text = readFileSync(file, "utf8")
      const where = relative(WORKFLOWS, file)
      return [
        ...[...text.matchAll(/\.config\(\{\s*name:\s*"([^"]+)"/g)].map((m) => ({ id: m[1], where, kind: "step" })),
        ...[...text.matchAll(/\bwhen\(\s*"([^"]+)"/g)].map((m) => ({ id: m[1], where, kind: "when" })),
      ]
    })
    expect(found.filter(({ kind }) => kind === "step").length).toBeGreaterThan(10)
    expect(found.filter(({ id, kind }) => !id.startsWith("loyalty-") || (kind === "step" && !id.endsWith("-step")))).toEqual([])
  })
})
