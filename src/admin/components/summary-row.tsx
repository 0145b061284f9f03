import { Text, clx } from "@medusajs/ui"

/**
 * One figure of a customer or order widget: its label on the left, the value
 * on the right (with the test id the browser checks read it by). `className`
 * colours the value; `dense` is the tighter row of a long list.
 */
export const SummaryRow = ({
  label,
  value,
  testId,
  className,
  dense,
}: {
  label: string
  value: string
  testId?: string
  className?: string
  dense?: boolean
}) => (
  <div className={clx("grid grid-cols-2 items-center px-6", dense ? "py-2" : "py-3")}>
    <Text size="small" weight="plus" leading="compact">
      {label}
    </Text>
    <Text size="small" leading="compact" className={clx("text-ui-fg-subtle", className)} data-testid={testId}>
      {value}
    </Text>
  </div>
)
