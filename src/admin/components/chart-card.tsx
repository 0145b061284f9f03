import { Container, Heading, clx } from "@medusajs/ui"
import type { ReactElement } from "react"
import type * as Recharts from "recharts"

/**
 * The pieces every loyalty chart is drawn with, from the `recharts` module a
 * page hands in at run time (it loads the library with a dynamic
 * `import("recharts")`, so only types are imported here): the card a chart
 * sits in, and the grid, axes, tooltip and legend of a chart over months.
 */
export function createChartParts(R: typeof Recharts) {
  const { CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } = R

  /** A card with the chart's title over the chart, filling the card's width; `tall` for a page's one big chart. */
  const ChartCard = ({ title, testId, tall, children }: { title: string; testId: string; tall?: boolean; children: ReactElement }) => (
    <Container className="flex flex-col gap-y-2 p-4" data-testid={testId}>
      <Heading level="h3">{title}</Heading>
      <div className={clx("w-full", tall ? "h-[260px]" : "h-[220px]")}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </Container>
  )

  /** Inside a chart of `{ month, … }` rows: the grid, the months along the bottom, the figures up the side, tooltip and legend. */
  const monthAxes = () => (
    <>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="month" fontSize={11} />
      <YAxis fontSize={11} />
      <Tooltip />
      <Legend />
    </>
  )

  return { ChartCard, monthAxes }
}
