import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Badge, Container, Heading, Text } from "@medusajs/ui"
import { SummaryRow } from "../components/summary-row"
import { useCustomerInsight } from "../hooks/use-insights"
import { toNumber } from "../lib/format"
import { segmentLabel } from "../lib/insights-api"
import { getErrorMessage } from "../lib/loyalty-api"

/** Segment, churn risk, CLV and value band of the customer, with one line saying why. */
const CustomerInsightsWidget = ({ data: customer }: DetailWidgetProps<HttpTypes.AdminCustomer>) => {
  const { data, isPending, isError, error } = useCustomerInsight(customer.id)
  const insight = data?.insight
  return (
    <Container className="divide-y p-0" data-testid="loyalty-customer-insight">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Customer insight</Heading>
        {insight?.value_band && (
          <Badge size="2xsmall" color={insight.value_band === "high" ? "green" : insight.value_band === "medium" ? "blue" : "grey"}>
            {segmentLabel(insight.value_band)} value
          </Badge>
        )}
      </div>
      {isPending ? (
        <Text size="small" className="px-6 py-4 text-ui-fg-subtle">Loading…</Text>
      ) : isError ? (
        <Text size="small" className="px-6 py-4 text-ui-fg-error">{getErrorMessage(error)}</Text>
      ) : !insight ? (
        <Text size="small" className="px-6 py-4 text-ui-fg-muted">No insight yet: it appears after their first order and the next recompute.</Text>
      ) : (
        <div className="py-2">
          <SummaryRow dense label="Segment" value={`${segmentLabel(insight.rfm_segment)} · ${segmentLabel(insight.matrix_segment)}`} testId="loyalty-insight-segment" />
          <SummaryRow
            dense
            label="R / F / M scores"
            value={`R ${insight.r_score} · F ${insight.f_score} · M ${insight.m_score} (1–5)`}
            testId="loyalty-insight-rfm"
          />
          <SummaryRow dense label="Lifecycle" value={segmentLabel(insight.lifecycle_stage)} testId="loyalty-insight-lifecycle" />
          <SummaryRow dense label="Churn risk" value={`${Math.round(toNumber(insight.churn_risk) * 100)} %`} testId="loyalty-insight-churn" />
          <SummaryRow
            dense
            label="12-month CLV"
            value={`${toNumber(insight.clv_12m).toFixed(2)}${insight.clv_cac !== null ? ` (${toNumber(insight.clv_cac).toFixed(1)}× CAC)` : ""}`}
            testId="loyalty-insight-clv"
          />
          <Text size="small" className="px-6 py-2 text-ui-fg-subtle" data-testid="loyalty-insight-why">
            {insight.explanation}
          </Text>
          {data?.explain && (
            <div className="px-6 py-2" data-testid="loyalty-insight-explain">
              {data.explain.segment_rule && (
                <Text size="xsmall" className="text-ui-fg-subtle" data-testid="loyalty-insight-rule">
                  Rule: {data.explain.segment_rule}
                </Text>
              )}
              {data.explain.segment_play && (
                <Text size="xsmall" className="text-ui-fg-subtle">Play: {data.explain.segment_play}</Text>
              )}
              <Text size="xsmall" className="text-ui-fg-muted" data-testid="loyalty-insight-model">
                Model: {data.explain.model} · {data.explain.model_quality}
              </Text>
            </div>
          )}
        </div>
      )}
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "customer.details.side.after",
  id: "loyalty-points.customer-insights",
})

export default CustomerInsightsWidget
