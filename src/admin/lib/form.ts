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
const lowerKeys = (rec: Record<string, unknown> | null | undefined) => {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(rec ?? {})) out[k.toLowerCase()] = toNumber(v)
  return out
}

const sameRecord = (a: Record<string, number>, b: Record<string, number>) => {
  const ka = Object.keys(a).sort()
  const kb = Object.keys(b).sort()
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k])
}

/** Store currencies first (in the store's order), then any other code the records still mention. */
const currencyCodes = (storeCurrencies: string[], ...records: (Record<string, unknown> | null | undefined)[]) => {
  const codes = storeCurrencies.map((c) => c.toLowerCase())
  const extra = records
    .flatMap((record) => Object.keys(record ?? {}))
    .map((c) => c.toLowerCase())
    .filter((c) => !codes.includes(c))
  return [...codes, ...Array.from(new Set(extra)).sort()]
}

/** One text per currency from a record of numbers ("" where the record has none). */
const ratesToText = (record: Record<string, unknown> | null | undefined, codes: string[]) => {
  const values = lowerKeys(record)
  return Object.fromEntries(codes.map((c) => [c, c in values ? String(values[c]) : ""]))
}

/** Parse whole-number fields against their bounds. */
function parseInts<F extends string>(
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

/** How a per-currency amount field reads: its error text, its bound, and whether 0 is allowed. */
export type AmountRule = { invalid: string; max: number; allowZero: boolean }

/** Parse one decimal per currency; an empty text means "not set for this currency". */
const parseAmounts = (
  texts: Record<string, string>,
  { invalid, max, allowZero }: AmountRule
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
function changedInts<F extends string>(saved: Record<F, unknown>, next: Record<F, number>, rules: Record<F, IntRule>) {
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
 * switch's too); `field(key)` adds its id, `<idPrefix>-<key>`, and its test
 * id, the same with dashes.
 */
export function useSettingsForm<F extends object, E extends object>(initial: F, idPrefix = "") {
  const [form, setForm] = useState<F>(initial)
  const [errors, setErrors] = useState<E>({} as E)
  const set = <K extends keyof F>(key: K, value: F[K]) => setForm((f) => ({ ...f, [key]: value }))
  const bind = <K extends keyof F>(key: K) => ({
    value: form[key],
    onChange: (value: F[K]) => set(key, value),
    error: errorOf(errors, key),
  })
  const field = <K extends keyof F & string>(key: K) => ({
    id: `${idPrefix}-${key}`,
    testId: `${idPrefix}-${key.replace(/_/g, "-")}`,
    ...bind(key),
  })
  return {
    form,
    setForm,
    set,
    bind,
    field,
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

type Versioned = { program: { version: number } }

/**
 * A versioned program as its settings page knows it: its name in messages
 * ("loyalty program"), the prefix of its fields' ids ("loyalty"), and its
 * hooks: the page reads it with `useQuery`, the form saves it with `useUpdate`.
 */
export type ProgramSpec<D extends Versioned, B> = {
  what: string
  prefix: string
  useQuery: (options: { refetchOnWindowFocus: false }) => {
    isPending: boolean
    isError: boolean
    error: unknown
    data: D | undefined
  }
  useUpdate: () => { mutateAsync: (body: B) => Promise<Versioned>; isPending: boolean }
}

/** A program form's text: its whole numbers, its amounts per currency, then its own fields. */
type ProgramText<I extends string, A extends string, F> = Record<I, string> & Record<A, Record<string, string>> & F

/** A program form's errors: per whole number, per currency of each amount field, then its own. */
type ProgramErrors<I extends string, A extends string, E> = Partial<Record<I, string> & Record<A, Record<string, string>>> & E

/** A program form's parsed values, as the program holds them. */
type ProgramValues<I extends string, A extends string, V> = Record<I, number> & Record<A, Record<string, number>> & V

/** A program form's whole-number fields: their bounds (the server's) and their labels. */
export type ProgramInts<I extends string> = {
  rules: Record<I, IntRule>
  labels: Record<I, { label: string; hint?: string }>
}

/** What a save of a program form sends: the changed fields only. */
type ProgramChanges<I extends string, A extends string, V> = Partial<Record<I, number>> &
  Partial<Record<A, Record<string, number>>> &
  Partial<V>

/**
 * A versioned program's form, from the loaded program. The whole numbers
 * (`ints`, within the server's bounds) and the amounts per currency
 * (`amounts`; an empty one is "not set") are read, parsed and compared here;
 * the page gives only its own fields' `toForm`, `parse` (which sees the whole
 * numbers parsed, for rules across fields) and `diff`. It gives the currencies
 * listed (the store's, then any other the amounts mention), `useSettingsForm`'s
 * state, the whole form parsed, and the save bar's props: the submit parses
 * the form, shows its errors and saves what changed as the next version
 * (`saveVersioned`).
 */
export function useProgramForm<
  I extends string,
  A extends string,
  P extends { version: number } & Record<I, unknown> & Record<A, Record<string, unknown> | null | undefined>,
  F extends object,
  E extends object,
  V extends object,
>(
  data: { program: P; store_currencies: string[] },
  spec: Pick<ProgramSpec<Versioned, NoInfer<ProgramChanges<I, A, V>>>, "what" | "prefix" | "useUpdate">,
  {
    ints,
    amounts,
    toForm,
    parse,
    diff,
  }: {
    ints: ProgramInts<I>
    amounts: Record<A, AmountRule>
    toForm: (program: P) => F
    parse: (form: F, ints: Partial<Record<I, number>>) => { errors: E; values: V }
    /** The own fields' changes against the saved program. */
    diff: (program: P, values: V) => Partial<V>
  }
) {
  const { program } = data
  const mutation = spec.useUpdate()
  const amountKeys = Object.keys(amounts) as A[]
  const recordOf = (key: A): Record<string, unknown> | null | undefined => program[key]
  const codes = useMemo(
    () => currencyCodes(data.store_currencies, ...amountKeys.map(recordOf)),
    [data, program]
  )
  const initial = useMemo(
    (): ProgramText<I, A, F> => ({
      ...(Object.fromEntries((Object.keys(ints.rules) as I[]).map((key) => [key, String(toNumber(program[key]))])) as Record<I, string>),
      ...(Object.fromEntries(amountKeys.map((key) => [key, ratesToText(recordOf(key), codes)])) as Record<A, Record<string, string>>),
      ...toForm(program),
    }),
    [program, codes]
  )
  const state = useSettingsForm<ProgramText<I, A, F>, ProgramErrors<I, A, E>>(initial, spec.prefix)

  const parseAll = (form: ProgramText<I, A, F>) => {
    const parsedInts = parseInts(form, ints.rules)
    const errors: Record<string, unknown> = { ...parsedInts.errors }
    const parsedAmounts = {} as Record<A, Record<string, number>>
    for (const key of amountKeys) {
      const parsed = parseAmounts(form[key], amounts[key])
      parsedAmounts[key] = parsed.value
      if (Object.keys(parsed.errors).length) errors[key] = parsed.errors
    }
    const own = parse(form, parsedInts.values)
    Object.assign(errors, own.errors)
    return {
      errors: errors as ProgramErrors<I, A, E>,
      values: unlessErrors(errors, (): ProgramValues<I, A, V> => ({ ...parsedInts.values, ...parsedAmounts, ...own.values })),
    }
  }

  const changes = (values: ProgramValues<I, A, V>) => {
    const amountChanges: Partial<Record<A, Record<string, number>>> = {}
    for (const key of amountKeys) {
      if (!sameRecord(lowerKeys(recordOf(key)), values[key])) amountChanges[key] = values[key]
    }
    const changed: ProgramChanges<I, A, V> = { ...changedInts(program, values, ints.rules), ...amountChanges, ...diff(program, values) }
    return changed
  }

  const parsed = useMemo(() => parseAll(state.form), [state.form])
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    state.setErrors(parsed.errors)
    await saveVersioned({ body: parsed.values && changes(parsed.values), save: mutation.mutateAsync, what: spec.what })
  }
  /** One currency's text of an amount field: its value, its setter and its error, as `bind` gives a field's. */
  const bindAmount = (key: A, code: string) => {
    const texts: Record<string, string> = state.form[key]
    const byCode: unknown = Reflect.get(state.errors, key)
    return {
      value: texts[code] ?? "",
      onChange: (value: string) =>
        state.setForm((f) => {
          const current: Record<string, string> = f[key]
          return { ...f, [key]: { ...current, [code]: value } }
        }),
      error: typeof byCode === "object" && byCode !== null ? errorOf(byCode, code) : undefined,
    }
  }

  return {
    ...state,
    codes,
    bindAmount,
    /** For `ProgramIntFields`: the whole numbers' bounds and labels, and their fields. */
    intFields: { ...ints, field: state.field },
    /** The form as typed, parsed: its errors, and its values when it has none. */
    parsed,
    /** For `ProgramEditorForm`: its test id, the version, the submit, whether anything changed, the pending save, and the reset. */
    saveBar: {
      testId: `${spec.prefix}-program`,
      version: program.version,
      onSubmit,
      dirty: state.dirty,
      isPending: mutation.isPending,
      onReset: state.reset,
    },
  }
}
