import { BigNumberInput, ICustomerModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import type { ReferralFlag } from "../../../../lib/referrals/rules"
import type { LoyaltyAccount } from "../../../../modules/loyalty-points/types"
import type { TierMembershipRecord } from "../../../../modules/loyalty-tiers/types"
import { pointsModule } from "../../../utils/views"
import { referralsModule } from "../../../utils/referral-views"
import { tiersModule } from "../../../utils/tier-views"
import { currentRun, insightsModule } from "../insights/views"
import type { ExportKind } from "./validators"

/**
 * The CSV exports' readers: each an async generator that reads its table a
 * page at a time by key (keyset pagination: `id > last`, never OFFSET, so
 * the last page costs what the first does) and yields one row per record.
 * `streamCsv` pulls them only as fast as the client downloads, so at most
 * one page is ever in memory. Accounts and tier memberships are read with
 * their customer's name and email through their links to Medusa's customer
 * (`query.graph`); the other records through their module's service, and
 * names and emails from Medusa's customer module, one query per page (a
 * deleted customer has none).
 */

/** Records read per query. */
export const EXPORT_PAGE = 500

type Period = { from: Date | null; to: Date | null }
type Row = Record<string, unknown>
export type Exporter = { columns: readonly string[]; rows: (scope: MedusaContainer, period: Period) => AsyncIterable<Row> }

/** Pages of a keyset read (`read(after)` returns the next page after that key), until a short page. */
async function* keyset<T, K>(read: (after: K | null) => Promise<T[]>, keyOf: (item: T) => K): AsyncGenerator<T[]> {
  let after: K | null = null
  for (;;) {
    const page: T[] = await read(after)
    if (page.length) yield page
    if (page.length < EXPORT_PAGE) return
    after = keyOf(page[page.length - 1])
  }
}

type Person = { email: string | null; first_name: string | null; last_name: string | null }
const PERSON_FIELDS = ["email", "first_name", "last_name"] as const

/** Email and name of each customer that still exists, in one query. */
async function people(scope: MedusaContainer, ids: string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(ids.filter(Boolean))]
  if (!unique.length) return new Map()
  const customers = await scope
    .resolve<ICustomerModuleService>(Modules.CUSTOMER)
    .listCustomers({ id: unique }, { select: ["id", ...PERSON_FIELDS], take: unique.length })
  return new Map(customers.map((c) => [c.id, personOf(c)]))
}

/** A customer's email and name, null where unknown (no customer: all null). */
const personOf = (c: { email?: string | null; first_name?: string | null; last_name?: string | null } | null | undefined): Person => ({
  email: c?.email ?? null,
  first_name: c?.first_name ?? null,
  last_name: c?.last_name ?? null,
})

/**
 * A page of one of the plugin's records by id (after `after`), each with its
 * customer's email and name read with it through the record's link to
 * Medusa's customer (`src/links`): one `query.graph` instead of a read of the
 * records and a read of their customers joined by id here.
 */
async function pageWithCustomers<T>(
  scope: MedusaContainer,
  entity: "loyalty_account" | "loyalty_tier_membership",
  fields: readonly string[],
  filters: Record<string, unknown>,
  after: string | null
): Promise<T[]> {
  const { data } = await scope.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity,
    fields: [...fields, ...PERSON_FIELDS.map((field) => `customer.${field}`)],
    filters: { ...(after ? { id: { $gt: after } } : {}), ...filters },
    pagination: { order: { id: "ASC" }, take: EXPORT_PAGE },
  })
  return data
}

const money = (value: unknown) => (value === null || value === undefined ? null : MathBN.convert(value as BigNumberInput).toFixed())
const range = (period: Period) => ({
  ...(period.from ? { $gte: period.from } : {}),
  ...(period.to ? { $lt: period.to } : {}),
})

const ACCOUNT_FIELDS = ["id", "customer_id", "balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed", "created_at"] as const

/** An account as the export reads it, with its customer through the customer ↔ account link. */
type AccountWithCustomer = Pick<LoyaltyAccount, (typeof ACCOUNT_FIELDS)[number]> & { customer?: Person | null }

/**
 * Every open points account with its balances, and its customer's email and
 * name read with it through the customer ↔ account link (`query.graph`; a
 * deleted customer has none).
 */
const accounts: Exporter = {
  columns: ["customer_id", "email", "first_name", "last_name", "balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed", "created_at"],
  rows: async function* (scope) {
    const pages = keyset(
      (after: string | null) => pageWithCustomers<AccountWithCustomer>(scope, "loyalty_account", ACCOUNT_FIELDS, {}, after),
      (account) => account.id
    )
    for await (const page of pages) {
      for (const a of page) {
        yield {
          customer_id: a.customer_id,
          ...personOf(a.customer),
          balance: a.balance,
          pending: a.pending,
          debt: a.debt,
          lifetime_earned: a.lifetime_earned,
          lifetime_redeemed: a.lifetime_redeemed,
          created_at: a.created_at,
        }
      }
    }
  },
}

/** The ledger in the period, oldest first: every entry, voided ones included (with `voided_at`). */
const entries: Exporter = {
  columns: [
    "id", "created_at", "customer_id", "type", "points", "balance_change", "pending_change", "debt_change", "reason",
    "actor_type", "actor_id", "reference_type", "reference_id", "order_id", "currency_code", "program_version", "voided_at",
  ],
  rows: async function* (scope, period) {
    const points = pointsModule(scope)
    const pages = keyset(
      (after: { cursor: string; id: string } | null) => points.listLedgerPage({ ...period, after, limit: EXPORT_PAGE }),
      (entry) => ({ cursor: entry.cursor, id: entry.id })
    )
    for await (const page of pages) {
      for (const e of page) {
        yield {
          id: e.id, created_at: new Date(e.created_at), customer_id: e.customer_id, type: e.type, points: e.points,
          balance_change: e.balance_change, pending_change: e.pending_change, debt_change: e.debt_change, reason: e.reason,
          actor_type: e.actor_type, actor_id: e.actor_id, reference_type: e.reference_type, reference_id: e.reference_id,
          order_id: e.order_id, currency_code: e.currency_code, program_version: e.program_version,
          voided_at: e.voided_at ? new Date(e.voided_at) : null,
        }
      }
    }
  },
}

/** Referrals claimed in the period, both sides named, with their open flags. */
const referrals: Exporter = {
  columns: [
    "id", "code", "status", "referrer_id", "referrer_email", "referee_id", "referee_email", "referrer_points", "referee_points",
    "order_id", "claimed_at", "qualified_at", "rewarded_at", "open_flags", "decision", "decision_note",
  ],
  rows: async function* (scope, period) {
    const service = referralsModule(scope)
    const claimed = range(period)
    const pages = keyset(
      (after: string | null) =>
        service.listReferrals(
          { ...(after ? { id: { $gt: after } } : {}), ...(Object.keys(claimed).length ? { claimed_at: claimed } : {}) },
          { order: { id: "ASC" }, take: EXPORT_PAGE }
        ),
      (referral) => referral.id
    )
    for await (const page of pages) {
      const who = await people(scope, page.flatMap((r) => [r.referrer_id, r.referee_id]))
      for (const r of page) {
        const flags = (Array.isArray(r.flags) ? (r.flags as ReferralFlag[]) : []).filter((flag) => !flag.cleared_at)
        yield {
          id: r.id, code: r.code, status: r.status,
          referrer_id: r.referrer_id, referrer_email: who.get(r.referrer_id)?.email ?? null,
          referee_id: r.referee_id, referee_email: who.get(r.referee_id)?.email ?? null,
          referrer_points: r.referrer_points, referee_points: r.referee_points, order_id: r.order_id,
          claimed_at: r.claimed_at, qualified_at: r.qualified_at, rewarded_at: r.rewarded_at,
          open_flags: flags.map((flag) => flag.message).join("; "), decision: r.decision, decision_note: r.decision_note,
        }
      }
    }
  },
}

const MEMBERSHIP_FIELDS = ["id", "customer_id", "tier_id", "earned_tier_id", "override_id", "qualified_at", "qualified_until"] as const

/** A tier membership as the export reads it, with its customer through the customer ↔ membership link. */
type MembershipWithCustomer = Pick<TierMembershipRecord, (typeof MEMBERSHIP_FIELDS)[number]> & { customer?: Person | null }

/**
 * Each customer with a tier in effect: the tier, the earned one (under an
 * override) and until when it is kept, with the customer's email and name
 * read through the customer ↔ membership link (a deleted customer has none).
 */
const tiers: Exporter = {
  columns: [
    "customer_id", "email", "first_name", "last_name", "tier_id", "tier_name", "tier_rank", "earned_tier_name",
    "overridden", "qualified_at", "qualified_until",
  ],
  rows: async function* (scope) {
    const service = tiersModule(scope)
    const all = await service.listTiers({}, { withDeleted: true, take: null })
    const byId = new Map(all.map((tier) => [tier.id, tier]))
    const pages = keyset(
      (after: string | null) =>
        pageWithCustomers<MembershipWithCustomer>(scope, "loyalty_tier_membership", MEMBERSHIP_FIELDS, { tier_id: { $ne: null } }, after),
      (membership) => membership.id
    )
    for await (const page of pages) {
      for (const m of page) {
        const tier = m.tier_id ? byId.get(m.tier_id) : undefined
        yield {
          customer_id: m.customer_id,
          ...personOf(m.customer),
          tier_id: m.tier_id, tier_name: tier?.name ?? null, tier_rank: tier?.rank ?? null,
          earned_tier_name: m.earned_tier_id ? byId.get(m.earned_tier_id)?.name ?? null : null,
          overridden: !!m.override_id, qualified_at: m.qualified_at, qualified_until: m.qualified_until,
        }
      }
    }
  },
}

/** The newest succeeded insight run, per customer; customers deleted since are left out. */
const insights: Exporter = {
  columns: [
    "customer_id", "email", "first_name", "last_name", "is_member", "orders_count", "monetary", "recency_days", "r_score",
    "f_score", "m_score", "rfm_segment", "matrix_segment", "lifecycle_stage", "churn_risk", "expected_90", "expected_365",
    "clv_12m", "clv_cac", "value_score", "value_band", "explanation", "run_id", "computed_for",
  ],
  rows: async function* (scope) {
    const run = await currentRun(scope)
    if (!run) return
    const service = insightsModule(scope)
    const pages = keyset(
      (after: string | null) =>
        service.listCustomerInsights(
          { run_id: run.id, ...(after ? { customer_id: { $gt: after } } : {}) },
          { order: { customer_id: "ASC" }, take: EXPORT_PAGE }
        ),
      (insight) => insight.customer_id
    )
    for await (const page of pages) {
      const who = await people(scope, page.map((i) => i.customer_id))
      for (const i of page) {
        const person = who.get(i.customer_id)
        if (!person) continue
        yield {
          customer_id: i.customer_id, ...person, is_member: i.is_member, orders_count: i.orders_count,
          monetary: money(i.monetary), recency_days: i.recency_days, r_score: i.r_score, f_score: i.f_score, m_score: i.m_score,
          rfm_segment: i.rfm_segment, matrix_segment: i.matrix_segment, lifecycle_stage: i.lifecycle_stage,
          churn_risk: i.churn_risk, expected_90: i.expected_90, expected_365: i.expected_365, clv_12m: money(i.clv_12m),
          clv_cac: i.clv_cac, value_score: i.value_score, value_band: i.value_band, explanation: i.explanation,
          run_id: run.id, computed_for: run.as_of ?? null,
        }
      }
    }
  },
}

export const EXPORTERS: Record<ExportKind, Exporter> = { accounts, entries, referrals, tiers, insights }
