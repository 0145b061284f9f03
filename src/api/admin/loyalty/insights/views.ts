import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ICustomerModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { LIFECYCLE_PLAYS, MATRIX_PLAYS, SEGMENT_LABELS, SEGMENT_PLAYS, SEGMENT_RULES } from "../../../../lib/insights/rules"
import type { SegmentStat } from "../../../../modules/loyalty-insights/types"
import { deletedCustomerIds } from "../../../../workflows/insights/store-facts"
import { LOYALTY_INSIGHTS_MODULE } from "../../../../modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../../../modules/loyalty-insights/service"

export const insightsModule = (scope: MedusaContainer) =>
  scope.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)

/** The newest succeeded run: what every insight read shows. */
export async function currentRun(scope: MedusaContainer) {
  return (await insightsModule(scope).latestRuns()).succeeded
}

/**
 * A page of a run's customers with their email and name from the customer
 * module. A customer deleted since the run is neither listed, exported nor
 * counted: no email or name of theirs leaves.
 */
export async function listRunCustomersWithNames(
  scope: MedusaContainer,
  runId: string,
  filters: { rfm_segment?: string; matrix_segment?: string; lifecycle_stage?: string; value_band?: string },
  page: { limit: number; offset: number }
) {
  const deleted = await deletedCustomerIds(scope.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION))
  const { customers, count } = await insightsModule(scope).listRunCustomers(runId, filters, {
    ...page,
    exclude_customer_ids: deleted,
  })
  const ids = customers.map((c) => c.customer_id)
  const people = ids.length
    ? await scope
        .resolve<ICustomerModuleService>(Modules.CUSTOMER)
        .listCustomers({ id: ids }, { select: ["id", "email", "first_name", "last_name"], take: ids.length })
    : []
  const byId = new Map(people.map((p) => [p.id, p]))
  return {
    count,
    customers: customers.map((c) => {
      const person = byId.get(c.customer_id)
      return {
        ...c,
        email: person?.email ?? null,
        first_name: person?.first_name ?? null,
        last_name: person?.last_name ?? null,
      }
    }),
  }
}

/** A segment's figures as the segments route sends them: the module's, with the label, rule and play where the kind has them. */
export type SegmentRow = SegmentStat & { label?: string | null; play?: string | null; rule?: string | null }

export type SegmentKind = "rfm" | "matrix" | "lifecycle" | "value_band"

/**
 * A run's segment summary as the admin shows it: each RFM segment with its
 * label, rule and recommended play, each matrix cell and lifecycle stage with
 * its play, the value bands as they are.
 */
export function segmentsView(summary: Record<SegmentKind, SegmentStat[]>): Record<SegmentKind, SegmentRow[]> {
  const withPlay = (plays: Record<string, string>) => (row: SegmentStat) => ({
    ...row,
    play: row.segment ? plays[row.segment] ?? null : null,
  })
  return {
    rfm: summary.rfm.map((row) => ({
      ...withPlay(SEGMENT_PLAYS)(row),
      label: row.segment ? SEGMENT_LABELS[row.segment as keyof typeof SEGMENT_LABELS] ?? row.segment : null,
      rule: row.segment ? SEGMENT_RULES[row.segment as keyof typeof SEGMENT_RULES] ?? null : null,
    })),
    matrix: summary.matrix.map(withPlay(MATRIX_PLAYS)),
    lifecycle: summary.lifecycle.map(withPlay(LIFECYCLE_PLAYS)),
    value_band: summary.value_band,
  }
}
