import { Button, Input, Label, Switch, Text, clx } from "@medusajs/ui"
import type { ComponentProps, ReactNode } from "react"

/**
 * The form pieces every loyalty page uses: a labelled field with its hint or
 * error, a text or number input inside one, a switch with its label, and the
 * save bar of a settings form. One place, so every form looks and reads the
 * same and keeps the test ids the browser checks use.
 */

type FieldProps = {
  id?: string
  label: string
  hint?: ReactNode
  error?: string
  children: ReactNode
}

/** A label, the control, then its error (or, when fine, its hint). */
export const Field = ({ id, label, hint, error, children }: FieldProps) => (
  <div className="flex flex-col gap-y-1">
    <Label size="small" weight="plus" htmlFor={id}>
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
  testId: string
  label: string
  hint?: ReactNode
  error?: string
  value: string
  onChange: (value: string) => void
  number?: NumberKind
}

/** A labelled input holding typed text (numbers are parsed on save). */
export const InputField = ({ id, testId, label, hint, error, value, onChange, number, ...input }: InputFieldProps) => (
  <Field id={id} label={label} hint={hint} error={error}>
    <BareInput id={id} testId={testId} value={value} onChange={onChange} number={number} error={error} {...input} />
  </Field>
)

type BareInputProps = Omit<InputFieldProps, "label" | "hint" | "id"> & { id?: string }

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

/** A switch with its label and a hint under the label. */
export const SwitchField = ({
  id,
  testId = id,
  label,
  hint,
  checked,
  onChange,
}: {
  id: string
  testId?: string
  label: string
  hint: string
  checked: boolean
  onChange: (checked: boolean) => void
}) => (
  <div className="flex items-center gap-x-3">
    <Switch id={id} data-testid={testId} checked={checked} onCheckedChange={onChange} />
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
