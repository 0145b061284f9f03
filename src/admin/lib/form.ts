import { toast } from "@medusajs/ui"
import { useMemo, useState, type FormEvent } from "react"
import { getErrorMessage } from "./loyalty-api"
import { toNumber } from "./format"

/**
 * The parsing and saving every settings form shares: inputs are kept as the
 * typed text and parsed on save against bounds mirrored from the server's
 * validators (the server stays the judge), and a save sends only what changed
 * (each save of a program makes a new version).
 */

export const INT_RE = /^\d+$/
export const DECIMAL_RE = /^\d+(\.\d+)?$|^\.\d+$/

export type IntRule = { min: number; max: number }

/** A record keyed by lower-case currency code, its values as numbers. */
export const lowerKeys = (rec: Record<string, unknown> | null | undefined) => {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(rec ?? {})) out[k.toLowerCase()] = toNumber(v)
  return out
}

export const sameRecord = (a: Record<string, number>, b: Record<string, number>) => {
  const ka = Object.keys(a).sort()
  const kb = Object.keys(b).sort()
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k])
}

/** Store currencies first (in the store's order), then any other code the records still mention. */
export const currencyCodes = (storeCurrencies: string[], ...records: (Record<string, unknown> | null | undefined)[]) => {
  const codes = storeCurrencies.map((c) => c.toLowerCase())
  const extra = records
    .flatMap((record) => Object.keys(record ?? {}))
    .map((c) => c.toLowerCase())
    .filter((c) => !codes.includes(c))
  return [...codes, ...Array.from(new Set(extra)).sort()]
}

/** One text per currency from a record of numbers ("" where the record has none). */
export const ratesToText = (record: Record<string, unknown> | null | undefined, codes: string[]) => {
  const values = lowerKeys(record)
  return Object.fromEntries(codes.map((c) => [c, c in values ? String(values[c]) : ""]))
}

/** Parse whole-number fields against their bounds. */
export function parseInts<F extends string>(
  form: Record<F, string>,
  rules: Record<F, IntRule>
): { values: Record<F, number>; errors: Partial<Record<F, string>> } {
  const values = {} as Record<F, number>
  const errors: Partial<Record<F, string>> = {}
  for (const field of Object.keys(rules) as F[]) {
    const text = form[field].trim()
    const rule = rules[field]
    const n = Number(text)
    if (!INT_RE.test(text) || !Number.isSafeInteger(n)) {
      errors[field] = "Enter a whole number."
    } else if (n < rule.min || n > rule.max) {
      errors[field] = `Enter a number from ${rule.min} to ${rule.max.toLocaleString("en-US")}.`
    } else {
      values[field] = n
    }
  }
  return { values, errors }
}

/** Parse one decimal per currency; an empty text means "not set for this currency". */
export const parseAmounts = (
  texts: Record<string, string>,
  { invalid, max, allowZero }: { invalid: string; max: number; allowZero: boolean }
): { value: Record<string, number>; errors: Record<string, string> } => {
  const value: Record<string, number> = {}
  const errors: Record<string, string> = {}
  for (const [code, raw] of Object.entries(texts)) {
    const text = raw.trim()
    if (!text) continue
    const n = Number(text)
    if (!DECIMAL_RE.test(text) || !Number.isFinite(n)) {
      errors[code] = invalid
    } else if (n > max) {
      errors[code] = "That is too large."
    } else if (!allowZero && n === 0) {
      errors[code] = "Must be above 0, or leave empty."
    } else {
      value[code] = n
    }
  }
  return { value, errors }
}

/**
 * What a parsed form makes, or null while it has errors: `make` runs only
 * when every field parsed, so it may take the parsed values as they are.
 */
export const unlessErrors = <V>(errors: object, make: () => V): V | null =>
  Object.keys(errors).length ? null : make()

/** The fields of `rules` whose number differs from the saved one. */
export function changedInts<F extends string>(saved: Record<F, unknown>, next: Record<F, number>, rules: Record<F, IntRule>) {
  const body: Partial<Record<F, number>> = {}
  for (const field of Object.keys(rules) as F[]) {
    if (toNumber(saved[field]) !== next[field]) body[field] = next[field]
  }
  return body
}

/** A field's error message, when `errors` has one for it. */
const errorOf = (errors: object, key: PropertyKey): string | undefined => {
  const error: unknown = Reflect.get(errors, key)
  return typeof error === "string" ? error : undefined
}

/**
 * A form's state: the typed text, its errors, whether it changed, and a
 * reset to what was loaded. `bind(key)` gives a field its value, setter and
 * error in one spread (`<InputField {...bind("name")} />`, a select's or a
 * switch's too).
 */
export function useSettingsForm<F extends object, E extends object>(initial: F) {
  const [form, setForm] = useState<F>(initial)
  const [errors, setErrors] = useState<E>({} as E)
  const set = <K extends keyof F>(key: K, value: F[K]) => setForm((f) => ({ ...f, [key]: value }))
  const bind = <K extends keyof F>(key: K) => ({
    value: form[key],
    onChange: (value: F[K]) => set(key, value),
    error: errorOf(errors, key),
  })
  return {
    form,
    setForm,
    set,
    bind,
    errors,
    setErrors,
    dirty: JSON.stringify(form) !== JSON.stringify(initial),
    reset: () => {
      setForm(initial)
      setErrors({} as E)
    },
  }
}

/**
 * Save a versioned program: refuse with a toast when the form has errors,
 * say "Nothing to save" when nothing changed, else send the changes and
 * announce the new version.
 */
export async function saveVersioned<B extends object>({
  body,
  save,
  what,
}: {
  /** The changes, or null when the form has errors. */
  body: B | null
  save: (body: B) => Promise<{ program: { version: number } }>
  /** e.g. "loyalty program" */
  what: string
}) {
  if (!body) {
    toast.error("Please fix the highlighted fields")
    return
  }
  if (!Object.keys(body).length) {
    toast.info("Nothing to save")
    return
  }
  try {
    const res = await save(body)
    toast.success(`${what[0].toUpperCase()}${what.slice(1)} saved`, { description: `Version ${res.program.version}` })
  } catch (err) {
    toast.error(`Could not save the ${what}`, { description: getErrorMessage(err) })
  }
}

/**
 * A versioned program's form, from the loaded program: the currencies it
 * lists (the store's, then any other its records mention), `useSettingsForm`'s
 * state, the submit that parses the form, shows its errors and saves what
 * changed as the next version (`saveVersioned`), and the save bar's props.
 */
export function useProgramForm<P, F extends object, E extends object, V, B extends object>(
  data: { program: P; store_currencies: string[] },
  {
    records,
    toForm,
    parse,
    diff,
    mutation,
    what,
  }: {
    /** The program's per-currency records. */
    records: (program: P) => (Record<string, unknown> | null | undefined)[]
    toForm: (program: P, codes: string[]) => F
    parse: (form: F) => { errors: E; values: V | null }
    /** The changes against the saved program. */
    diff: (program: P, values: V) => B
    mutation: { mutateAsync: (body: B) => Promise<{ program: { version: number } }>; isPending: boolean }
    /** e.g. "loyalty program" */
    what: string
  }
) {
  const { program } = data
  const codes = useMemo(
    () => currencyCodes(data.store_currencies, ...records(program)),
    [data, program]
  )
  const initial = useMemo(() => toForm(program, codes), [program, codes])
  const state = useSettingsForm<F, E>(initial)
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const parsed = parse(state.form)
    state.setErrors(parsed.errors)
    await saveVersioned({ body: parsed.values && diff(program, parsed.values), save: mutation.mutateAsync, what })
  }
  return {
    ...state,
    codes,
    /** For `ProgramEditorForm`: the submit, whether anything changed, the pending save, and the reset. */
    saveBar: { onSubmit, dirty: state.dirty, isPending: mutation.isPending, onReset: state.reset },
  }
}
