/**
 * The liability page's chart, built from a `recharts` module handed in at run
 * time (the page loads it with a dynamic `import("recharts")`, as the Loyalty
 * page does, so the library is fetched only when the page opens): points
 * issued, redeemed, expired and reversed per month as bars, and the
 * outstanding points at each month's end as a line.
 */
import { Container, Heading } from "@medusajs/ui"
import type * as Recharts from "recharts"
import type { LiabilityMonth } from "../lib/liability-api"

const COLORS = { issued: "#16a34a", redeemed: "#2563eb", expired: "#dc2626", reversed: "#f59e0b", outstanding: "#7c3aed" }

export function createLiabilityChart(R: typeof Recharts) {
  const { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } = R
  return function LiabilityChart({ months }: { months: LiabilityMonth[] }) {
    return (
      <Container className="flex flex-col gap-y-2 p-4" data-testid="liability-chart">
        <Heading level="h3">Points movement per month</Heading>
        <div className="h-[260px] w-full">
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={months}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="month" fontSize={11} />
              <YAxis fontSize={11} />
              <Tooltip />
              <Legend />
              <Bar dataKey="issued" name="Issued" fill={COLORS.issued} />
              <Bar dataKey="redeemed" name="Redeemed" fill={COLORS.redeemed} />
              <Bar dataKey="expired" name="Expired" fill={COLORS.expired} />
              <Bar dataKey="reversed" name="Reversed" fill={COLORS.reversed} />
              <Line dataKey="outstanding_end" name="Outstanding at month end" stroke={COLORS.outstanding} strokeWidth={2} dot={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      </Container>
    )
  }
}
