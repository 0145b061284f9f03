import { Button, DatePicker, Drawer, Input, Label, Select, Switch, Text, clx } from "@medusajs/ui"
import type { ComponentProps, ReactNode } from "react"
import { LOYALTY_MAX_REASON_LENGTH } from "../lib/loyalty-api"

/**
 * The form pieces every loyalty page uses: a labelled field with its hint or
 * error, a text or number input inside one, a select over known choices (alone
 * or labelled), a date and time picker, a switch with its label, and the save
 * bars of a settings form and of a drawer. One place, so every form looks and
 * reads the same and keeps the test ids the browser checks use.
 */

type FieldProps = {
  id?: string
  label: string
  hint?: ReactNode
  error?: string
  /** A smaller, lighter label, for a small form inside a widget. */
  compact?: boolean
  children: ReactNode
}

/** A label, the control, then its error (or, when fine, its hint). */
export const Field = ({ id, label, hint, error, compact, children }: FieldProps) => (
  <div className="flex flex-col gap-y-1">
    <Label size={compact ? "xsmall" : "small"} weight={compact ? "regular" : "plus"} htmlFor={id}>
      {label}
    </Label>
    {children}
    <FieldNote error={error} hint={hint} />
  </div>
)

/** The line under a control: the error in red, else the hint. */
export const FieldNote = ({ error, hint, className }: { error?: string | null; hint?: ReactNode; className?: string }) =>
  error || hint ? (
    <Text size="xsmall" className={clx(className, error ? "text-ui-fg-error" : "text-ui-fg-subtle")}>
      {error || hint}
    </Text>
  ) : null

/** How a number input reads: whole numbers or decimals. */
export type NumberKind = "int" | "decimal"

const numberProps = (kind: NumberKind | undefined) =>
  kind === "int"
    ? ({ type: "number", inputMode: "numeric", step: 1 } as const)
    : kind === "decimal"
      ? ({ type: "number", inputMode: "decimal", step: "any" } as const)
      : {}

type InputFieldProps = Omit<ComponentProps<typeof Input>, "value" | "onChange" | "id"> & {
  id: string
  /** The id, unless the browser checks know the input by another name. */
  testId?: string
  label: string
  hint?: ReactNode
  error?: string
  compact?: boolean
  value: string
  onChange: (value: string) => void
  number?: NumberKind
}

/** A labelled input holding typed text (numbers are parsed on save). */
export const InputField = ({ id, testId = id, label, hint, error, compact, value, onChange, number, ...input }: InputFieldProps) => (
  <Field id={id} label={label} hint={hint} error={error} compact={compact}>
    <BareInput id={id} testId={testId} value={value} onChange={onChange} number={number} error={error} {...input} />
  </Field>
)

/**
 * The reason staff give for changing a customer's points or tier (kept in the
 * ledger or the tier history), at most as long as the server takes.
 */
export const ReasonField = (props: Omit<InputFieldProps, "label" | "size" | "maxLength">) => (
  <InputField label="Reason" size="small" maxLength={LOYALTY_MAX_REASON_LENGTH} {...props} />
)

type BareInputProps = Omit<InputFieldProps, "label" | "hint" | "id" | "testId" | "compact"> & { id?: string; testId: string }

/** The input alone (inside a table cell, say), with the same number and error handling. */
export const BareInput = ({ testId, value, onChange, number, error, ...input }: BareInputProps) => (
  <Input
    data-testid={testId}
    {...numberProps(number)}
    {...input}
    value={value}
    onChange={(e) => onChange(e.target.value)}
    aria-invalid={!!error}
  />
)

/** An input with the line under it (an error, else the hint), as the per-currency tables show them. */
export const NotedInput = ({ hint, ...props }: BareInputProps & { hint: ReactNode }) => (
  <>
    <BareInput size="small" {...props} />
    <FieldNote className="mt-1" error={props.error} hint={hint} />
  </>
)

/** A switch with its label and a hint under the label; `value` is whether it is on. */
export const SwitchField = ({
  id,
  testId = id,
  label,
  hint,
  value,
  onChange,
}: {
  id: string
  testId?: string
  label: string
  hint: string
  value: boolean
  onChange: (value: boolean) => void
}) => (
  <div className="flex items-center gap-x-3">
    <Switch id={id} data-testid={testId} checked={value} onCheckedChange={onChange} />
    <div>
      <Label size="small" weight="plus" htmlFor={id}>
        {label}
      </Label>
      <Text size="xsmall" className="text-ui-fg-subtle">
        {hint}
      </Text>
    </div>
  </div>
)

/** The save bar of a settings form: "Unsaved changes", Reset and Save. */
export const FormFooter = ({
  dirty,
  isPending,
  onReset,
  saveTestId,
}: {
  dirty: boolean
  isPending: boolean
  onReset: () => void
  saveTestId: string
}) => (
  <div className="flex items-center justify-end gap-x-2 px-6 py-4">
    {dirty && (
      <Text size="small" className="text-ui-fg-subtle mr-auto">
        Unsaved changes
      </Text>
    )}
    <Button size="small" variant="secondary" type="button" disabled={!dirty || isPending} onClick={onReset}>
      Reset
    </Button>
    <Button size="small" type="submit" isLoading={isPending} disabled={!dirty} data-testid={saveTestId}>
      Save
    </Button>
  </div>
)

/** A select's choices: `[value, label]`, in the order shown. */
export type Options<V extends string> = readonly (readonly [V, ReactNode])[]

/** The choices of a labels record (`{ value: label }`), in the record's order. */
export const optionsOf = <V extends string>(labels: Record<V, ReactNode>) =>
  Object.entries(labels) as unknown as Options<V>

type OptionSelectProps<V extends string> = {
  value: V
  onChange: (value: V) => void
  options: Options<V>
  /** On the trigger, for a `<Label htmlFor>`. */
  id?: string
  testId?: string
  "aria-label"?: string
  placeholder?: string
  size?: "base" | "small"
  /** The trigger's classes. */
  className?: string
}

/** A select over known choices; the trigger carries the id, test id and label. */
export const OptionSelect = <V extends string>({
  value,
  onChange,
  options,
  id,
  testId,
  "aria-label": ariaLabel,
  placeholder,
  size,
  className,
}: OptionSelectProps<V>) => (
  <Select size={size} value={value} onValueChange={(next) => onChange(next as V)}>
    <Select.Trigger id={id} data-testid={testId} aria-label={ariaLabel} className={className}>
      <Select.Value placeholder={placeholder} />
    </Select.Trigger>
    <Select.Content>
      {options.map(([option, label]) => (
        <Select.Item key={option} value={option}>
          {label}
        </Select.Item>
      ))}
    </Select.Content>
  </Select>
)

/** A labelled select over known choices; `id` (for the label) and `testId` (the id unless given) go on the trigger. */
export const SelectField = <V extends string>({
  label,
  hint,
  error,
  compact,
  testId,
  ...select
}: OptionSelectProps<V> & Omit<FieldProps, "id" | "children">) => (
  <Field id={select.id} label={label} hint={hint} error={error} compact={compact}>
    <OptionSelect testId={testId ?? select.id} {...select} />
  </Field>
)

/** A date and time picker to the minute; the wrapper carries the test id the browser checks use. */
export const DateTimeInput = ({
  testId,
  value,
  onChange,
}: {
  testId: string
  value: Date | null
  onChange: (value: Date | null) => void
}) => (
  <div data-testid={testId}>
    <DatePicker granularity="minute" shouldCloseOnSelect={false} value={value} onChange={onChange} />
  </div>
)

/** A drawer form's footer: Cancel closes the drawer, any other buttons of the form, then Save submits. */
export const DrawerFormFooter = ({
  isPending,
  saveTestId,
  saveLabel = "Save",
  children,
}: {
  isPending: boolean
  saveTestId: string
  saveLabel?: string
  children?: ReactNode
}) => (
  <Drawer.Footer>
    <Drawer.Close asChild>
      <Button size="small" variant="secondary" type="button" disabled={isPending}>
        Cancel
      </Button>
    </Drawer.Close>
    {children}
    <Button size="small" type="submit" isLoading={isPending} data-testid={saveTestId}>
      {saveLabel}
    </Button>
  </Drawer.Footer>
)
