import { Heading, Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/**
 * A page's or a section's heading, with the line under it (the children)
 * saying what it holds; `testId` goes on that line. One piece, so every
 * loyalty page heads its sections alike.
 */
export const SectionHeading = ({
  level = "h2",
  title,
  testId,
  className,
  children,
}: {
  level?: "h1" | "h2" | "h3"
  title: ReactNode
  testId?: string
  /** The block's own classes (its padding, where it stands alone in a container). */
  className?: string
  children?: ReactNode
}) => (
  <div className={className}>
    <Heading level={level}>{title}</Heading>
    {children && (
      <Text size="small" className="text-ui-fg-subtle" data-testid={testId}>
        {children}
      </Text>
    )}
  </div>
)
