import { InferTypeOf } from "@medusajs/framework/types"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import {
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { DueCursor, DuePage, dueIds, duePage, keysetAfter, knexOf, lockForSave, setLockTimeout, SharedContext, transactionOf } from "../../lib/db"
import { CareRules, careRules } from "../../lib/care/rules"
import { PointsReleasedEventData } from "../../lib/shared/events"
import { allocateFirstExpiring, LotTake, lotsToGiveBack, settleDebt, splitReversal } from "../../lib/points/ledger"
import { LiabilityFacts } from "../../lib/points/liability"
import { LoyaltyPluginOptions, ProgramRules, rulesFromOptions, validateRules } from "../../lib/points/program"
import { addMonths } from "../../lib/shared/dates"
import Account from "./models/account"
import Action from "./models/action"
import NotificationSetting from "./models/notification-setting"
import OrderFact from "./models/order-fact"
import Coupon from "./models/coupon"
import Entry from "./models/entry"
import Lot from "./models/lot"
import MemberImport from "./models/member-import"
import ProgramVersion from "./models/program-version"
import Reward from "./models/reward"
import {
  CreditPosting,
  DebitPosting,
  ExpiringLot,
  MemberPreferencesInput,
  CouponRecord,
  CouponReservation,
  LedgerEntry,
  LoyaltyAccount,
  MemberImportDelta,
  OrderFactInput,
  OrderPendingPosting,
  OrderPointsSummary,
  OrderReleaseInput,
  OrderRestoreInput,
  OrderReversalInput,
  PostingBase,
  PostingResult,
} from "./types"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

type InjectedDependencies = Record<string, unknown>
type Movement = { balance_change: number; pending_change: number; debt_change: number }

const WRITES = "Ledger writes"

/** Entries that count as flows: not one a compensation undid, nor the counter-entry that undid it. */
const EFFECTIVE = "voided_at IS NULL AND reference_type IS DISTINCT FROM 'entry'"

/**
 * The points ledger. Every write locks the customer's account row, checks the
 * idempotency key under that lock, writes one immutable entry and moves the
 * cached figures and lots in the same transaction: the ledger invariants
 * (cached balance = ledger sum = open lots, never negative, one write per key)
 * hold across processes because Postgres enforces them, not memory. That
 * locked posting path (and the set-based reads of the jobs and order
 * summaries) is SQL written by hand; everything else is `MedusaService`'s
 * generated methods.
 */
export default class LoyaltyPointsModuleService extends MedusaService({
  ProgramVersion,
  Account,
  Entry,
  Lot,
  Reward,
  Coupon,
  Action,
  MemberImport,
  NotificationSetting,
  OrderFact,
}) {
  protected readonly options_: LoyaltyPluginOptions

  constructor(container: InjectedDependencies, options: LoyaltyPluginOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = options ?? {}
  }

  // ---------------------------------------------------------------- program

  /** The rules in force: the latest saved version, else the plugin options. */
  @InjectManager()
  async getProgramRules(@MedusaContext() sharedContext: SharedContext = {}): Promise<ProgramRules> {
    const [latest] = await this.listProgramVersions({}, { order: { version: "DESC" }, take: 1 }, sharedContext)
    return latest ? rulesOf(latest) : rulesFromOptions(this.options_)
  }

  /** The rules of one version (0 = the plugin options), for reversals that reuse the original rules. */
  @InjectManager()
  async getProgramRulesVersion(
    version: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ProgramRules> {
    if (version === 0) {
      return rulesFromOptions(this.options_)
    }
    const [row] = await this.listProgramVersions({ version }, { take: 1 }, sharedContext)
    if (!row) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Program version ${version} does not exist`)
    }
    return rulesOf(row)
  }

  /**
   * Save the program as a new version. Fields left out keep their current
   * value; the version number is taken under a table lock so two admins saving
   * at once get consecutive versions instead of a clash.
   */
  @InjectTransactionManager()
  async saveProgramRules(
    changes: Partial<Omit<ProgramRules, "version">>,
    createdBy: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ProgramRules> {
    await lockForSave(sharedContext, "loyalty_program_version", WRITES)
    const current = await this.getProgramRules(sharedContext)
    const next = { ...current, ...changes, version: current.version + 1 }
    const problems = validateRules(next)
    if (problems.length) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
    }
    await this.createProgramVersions({ ...next, created_by: createdBy }, sharedContext)
    return next
  }

  // ---------------------------------------------------------------- reads

  /** A customer's account, or null when they never had a points movement. */
  @InjectManager()
  async retrieveAccountByCustomer(
    customerId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LoyaltyAccount | null> {
    const [account] = await this.listAccounts({ customer_id: customerId }, { take: 1 }, sharedContext)
    return account ?? null
  }

  /**
   * One page of an account's entries, newest first, read straight off the
   * (account_id, created_at, id) index: a page costs the same for an account
   * with 10 entries or 100k. `has_more` replaces a total count, which would
   * have to scan the whole history.
   */
  @InjectManager()
  async listAccountEntries(
    accountId: string,
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ entries: LedgerEntry[]; has_more: boolean }> {
    const rows = await this.listEntries(
      { account_id: accountId },
      { order: { created_at: "DESC", id: "DESC" }, take: page.limit + 1, skip: page.offset },
      sharedContext
    )
    return {
      entries: rows.slice(0, page.limit),
      has_more: rows.length > page.limit,
    }
  }

  /**
   * The ledger's figures behind the liability report (`lib/points/liability`),
   * set-based over the points tables: outstanding points from the cached
   * account figures (they equal the ledger's sums), the open lots that can
   * still expire, the settled cohort the breakage rate is measured on (lots
   * whose expiry fell in the `window_months` before `now`), and the movement
   * per month from `months_from`. Entries a compensation undid, and the
   * counter-entries that undid them, count in no flow (as in the KPIs); the
   * net change still sums every entry.
   */
  @InjectManager()
  async readLiabilityFacts(
    input: { now: Date; window_months: number; months_from: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LiabilityFacts> {
    const knex = knexOf(sharedContext)
    const windowStart = addMonths(input.now, -input.window_months)
    const [{ rows: totals }, { rows: lots }, { rows: cohort }, { rows: months }, { rows: before }] = await Promise.all([
      knex.raw(
        `SELECT coalesce(sum(balance), 0)::bigint AS available, coalesce(sum(pending), 0)::bigint AS pending,
                coalesce(sum(debt), 0)::bigint AS debt,
                count(*) FILTER (WHERE balance > 0 OR pending > 0)::int AS members
           FROM loyalty_account WHERE deleted_at IS NULL`
      ),
      knex.raw(
        `SELECT coalesce(sum(remaining), 0)::bigint AS expiring
           FROM loyalty_lot WHERE deleted_at IS NULL AND remaining > 0 AND expires_at IS NOT NULL`
      ),
      // A lot that gives back points (a restore, a compensation's counter-entry) keeps the expiry of
      // the lot it refills: its points were issued once, in that lot, but what it loses to expiry counts.
      knex.raw(
        `WITH cohort AS (
           SELECT l.id, l.remaining,
                  CASE WHEN e.type IN ('earn', 'release', 'adjust') AND e.voided_at IS NULL
                        AND e.reference_type IS DISTINCT FROM 'entry' THEN l.points ELSE 0 END AS issued
             FROM loyalty_lot l JOIN loyalty_entry e ON e.id = l.entry_id
            WHERE l.deleted_at IS NULL AND l.expires_at > ? AND l.expires_at <= ?
         )
         SELECT count(*)::int AS lots, coalesce(sum(c.issued), 0)::bigint AS issued,
                (coalesce(sum(c.remaining), 0) + coalesce((
                  SELECT -sum(x.points) FROM loyalty_entry x
                   WHERE x.type = 'expire' AND x.reference_type = 'lot' AND x.voided_at IS NULL
                     AND x.deleted_at IS NULL AND x.reference_id IN (SELECT id FROM cohort)), 0))::bigint AS expired
           FROM cohort c`,
        [windowStart, input.now]
      ),
      knex.raw(
        `SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
                coalesce(sum(points) FILTER (WHERE ${EFFECTIVE} AND (type IN ('pending', 'earn') OR (type = 'adjust' AND points > 0))), 0)::bigint AS issued,
                coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'redeem'), 0)::bigint AS redeemed,
                coalesce(sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'restore'), 0)::bigint AS restored,
                coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'expire'), 0)::bigint AS expired,
                coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'reverse'), 0)::bigint AS reversed,
                coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'adjust' AND points < 0), 0)::bigint AS adjusted_down,
                coalesce(sum(balance_change + pending_change), 0)::bigint AS net_change
           FROM loyalty_entry WHERE deleted_at IS NULL AND created_at >= ? AND created_at <= ?
          GROUP BY 1 ORDER BY 1`,
        [input.months_from, input.now]
      ),
      knex.raw(
        `SELECT coalesce(sum(balance_change + pending_change), 0)::bigint AS outstanding
           FROM loyalty_entry WHERE deleted_at IS NULL AND created_at < ?`,
        [input.months_from]
      ),
    ])
    return {
      now: input.now,
      available: Number(totals[0].available),
      pending: Number(totals[0].pending),
      debt: Number(totals[0].debt),
      members: Number(totals[0].members),
      available_expiring: Number(lots[0].expiring),
      window_months: input.window_months,
      cohort: { lots: Number(cohort[0].lots), issued: Number(cohort[0].issued), expired: Number(cohort[0].expired) },
      outstanding_before: Number(before[0].outstanding),
      months: months.map((row: Record<string, string>) => ({
        month: row.month,
        issued: Number(row.issued),
        redeemed: Number(row.redeemed),
        restored: Number(row.restored),
        expired: Number(row.expired),
        reversed: Number(row.reversed),
        adjusted_down: Number(row.adjusted_down),
        net_change: Number(row.net_change),
      })),
    }
  }

  /**
   * One page of the whole ledger in a period, oldest first, with each entry's
   * customer: keyset-paginated on (created_at, id), so page 1,000 of an
   * export costs what page 1 does. `from` inclusive, `to` exclusive. The
   * cursor is the timestamp as Postgres prints it (microseconds, which a JS
   * Date would cut to milliseconds and so repeat rows).
   */
  @InjectManager()
  async listLedgerPage(
    input: { from: Date | null; to: Date | null; after: { cursor: string; id: string } | null; limit: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<(LedgerEntry & { customer_id: string; cursor: string })[]> {
    const knex = knexOf(sharedContext)
    const rows: (LedgerEntry & { customer_id: string; cursor: string })[] = await knex("loyalty_entry as e")
      .join("loyalty_account as a", "a.id", "e.account_id")
      .select("e.*", "a.customer_id", knex.raw("e.created_at::text AS cursor"))
      .whereNull("e.deleted_at")
      .modify((q) => {
        if (input.from) q.where("e.created_at", ">=", input.from)
        if (input.to) q.where("e.created_at", "<", input.to)
        if (input.after) q.whereRaw("(e.created_at, e.id) > (?::timestamptz, ?)", [input.after.cursor, input.after.id])
      })
      .orderBy([
        { column: "e.created_at", order: "asc" },
        { column: "e.id", order: "asc" },
      ])
      .limit(input.limit)
    return rows
  }

  /** The next expiry on an account: the first day (UTC) lots expire, and how many points expire that day. */
  @InjectManager()
  async nextExpiry(
    accountId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ expires_at: Date; points: number } | null> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT min(expires_at) AS expires_at, sum(remaining)::int AS points FROM loyalty_lot
        WHERE account_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND deleted_at IS NULL
        GROUP BY date_trunc('day', expires_at AT TIME ZONE 'UTC') ORDER BY 1 ASC LIMIT 1`,
      [accountId]
    )
    const row: { expires_at: Date; points: number } | undefined = rows[0]
    return row ? { expires_at: new Date(row.expires_at), points: Number(row.points) } : null
  }

  /** Earned, released, reversed and redeemed points per order, for order pages and reversals. */
  @InjectManager()
  async summarizeOrders(
    orderIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<OrderPointsSummary[]> {
    if (!orderIds.length) return []
    const rows = await this.orderTotals_(knexOf(sharedContext), orderIds)
    return orderIds.map((id) => rows.get(id) ?? emptySummary(id))
  }

  /** The entry an order's earning was first written as (its rule version, rate and amounts), or null. */
  @InjectManager()
  async retrieveOrderEarning(
    orderId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LedgerEntry | null> {
    const [entry] = await this.listEntries({ idempotency_key: IdempotencyKeys.orderEarning(orderId), voided_at: null }, { take: 1 }, sharedContext)
    return entry ?? null
  }

  /** Which of these orders have no earn entry yet: the release job's catch-up list. */
  @InjectManager()
  async ordersWithoutEarning(
    orderIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    if (!orderIds.length) return []
    const found = await this.listEntries(
      { idempotency_key: orderIds.map(IdempotencyKeys.orderEarning), voided_at: null },
      { select: ["idempotency_key"], take: null },
      sharedContext
    )
    const seen = new Set(found.map((row) => row.idempotency_key))
    return orderIds.filter((id) => !seen.has(IdempotencyKeys.orderEarning(id)))
  }

  /**
   * What releases of orders' points mean outside the ledger, as
   * `loyalty.points.released` carries it: the release, and the facts the
   * order's earning was computed with (points, eligible amount, currency,
   * multiplier). The one place that reads an earning's `details` for others.
   */
  @InjectManager()
  async listReleases(
    entryIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PointsReleasedEventData[]> {
    if (!entryIds.length) return []
    const found = await this.listEntries({ id: entryIds, type: "release" }, { relations: ["account"], take: null }, sharedContext)
    const byId = new Map(found.filter((entry) => entry.order_id).map((entry) => [entry.id, entry]))
    // In the order asked for: the catch-up counts releases as they happened.
    const releases = entryIds.flatMap((id) => byId.get(id) ?? [])
    const earnings = await this.listEntries(
      { idempotency_key: releases.map((entry) => IdempotencyKeys.orderEarning(entry.order_id!)), voided_at: null },
      { take: null },
      sharedContext
    )
    const earningOf = new Map(earnings.map((entry) => [entry.order_id, entry]))
    return releases.map((release) => {
      const earning = earningOf.get(release.order_id)
      return {
        id: release.id,
        customer_id: release.account.customer_id,
        account_id: release.account_id,
        type: release.type,
        points: release.points,
        order_id: release.order_id,
        reason: release.reason,
        earned_points: earning?.points ?? release.points,
        eligible_amount: Number(earning?.details?.eligible_amount ?? 0),
        currency_code: earning?.currency_code ?? release.currency_code ?? null,
        multiplier: Number(earning?.details?.multiplier ?? 1),
        released_at: release.created_at,
      }
    })
  }

  /**
   * One page of orders whose return window has ended and that still hold
   * pending points, in keyset order of their pending entries (release date,
   * id). Whether an order still holds pending points is one grouped read over
   * the page's orders, not a sum per row; the pass goes on after the last
   * entry scanned, so released orders are read once a pass and never skipped.
   */
  @InjectManager()
  async listDueReleases(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<{ order_id: string; customer_id: string }>> {
    const knex = knexOf(sharedContext)
    const rows: { order_id: string; account_id: string; cursor_at: string; cursor_id: string }[] = await keysetAfter(
      knex,
      knex("loyalty_entry")
        .select("order_id", "account_id")
        .where({ type: "pending" })
        .where("points", ">", 0)
        .where("release_at", "<=", now)
        .whereNull("voided_at")
        .whereNull("deleted_at"),
      { at: "release_at", id: "id" },
      after,
      limit
    )
    const orderIds = [...new Set(rows.map((row) => row.order_id))]
    const accountIds = [...new Set(rows.map((row) => row.account_id))]
    const [holding, accounts]: [{ order_id: string }[], { id: string; customer_id: string }[]] = rows.length
      ? await Promise.all([
          knex("loyalty_entry").select("order_id").whereIn("order_id", orderIds).groupBy("order_id").havingRaw("sum(pending_change) > 0"),
          knex("loyalty_account").select("id", "customer_id").whereIn("id", accountIds).whereNull("deleted_at"),
        ])
      : [[], []]
    const pending = new Set(holding.map((row) => row.order_id))
    const customerOf = new Map(accounts.map((row) => [row.id, row.customer_id]))
    return duePage(rows, limit, (page) =>
      page.flatMap((row) => {
        const customer_id = customerOf.get(row.account_id)
        return pending.has(row.order_id) && customer_id ? [{ order_id: row.order_id, customer_id }] : []
      })
    )
  }

  /**
   * One page of the ids of releases written in [since, until], in keyset
   * order (written at, id): what the tiers' catch-up checks were counted.
   */
  @InjectManager()
  async listReleaseIds(
    since: Date,
    until: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueIds(
      sharedContext,
      (knex) =>
        knex("loyalty_entry").where({ type: "release" }).where("created_at", ">=", since).where("created_at", "<=", until).whereNull("deleted_at"),
      { at: "created_at", id: "id" },
      { after, limit }
    )
  }

  /** One page of lots past their expiry date that still hold points, in keyset order (expiry, id). */
  @InjectManager()
  async listExpiredLots(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueIds(
      sharedContext,
      (knex) =>
        knex("loyalty_lot").where("remaining", ">", 0).where("expires_at", "<=", now).whereNull("deleted_at"),
      { at: "expires_at", id: "id" },
      { after, limit }
    )
  }

  // ---------------------------------------------------------------- writes

  /**
   * Credit the available balance (sign-up bonus, goodwill, restored points).
   * Recorded debt is paid off first; the rest becomes a lot that expires with
   * the program's expiry.
   */
  @InjectTransactionManager()
  async creditPoints(
    input: CreditPosting,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult> {
    assertPositive(input.points)
    return await this.post_(sharedContext, input, async (trx, account, entryId) => {
      if (input.limit) await this.assertWithinLimit_(trx, account.id, input, input.limit)
      return {
        type: input.type,
        points: input.points,
        movement: await this.creditBalance_(trx, account, entryId, input.points, input.expires_at),
        lifetime_earned: input.type === "restore" ? 0 : input.points,
        lifetime_redeemed: input.type === "restore" ? -input.points : 0,
      }
    })
  }

  /**
   * Take points from the available balance, first-expiring lots first. Refused
   * with a 400-class error when the balance does not cover it: debits never
   * create debt, only reversals of spent points do. The entry records which
   * lots it took (`details.lots`), so undoing it gives back the same expiries.
   */
  @InjectTransactionManager()
  async debitPoints(
    input: DebitPosting,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult> {
    assertPositive(input.points)
    return await this.post_(sharedContext, input, async (trx, account) => {
      if (account.balance < input.points) {
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Not enough points: the balance is ${account.balance} and ${input.points} were asked for`
        )
      }
      const lots = await this.consumeLots_(trx, account.id, input.points)
      return {
        type: input.type,
        details: { lots },
        points: -input.points,
        movement: { balance_change: -input.points, pending_change: 0, debt_change: 0 },
        lifetime_earned: 0,
        lifetime_redeemed: input.type === "redeem" ? input.points : 0,
      }
    })
  }

  /**
   * Record what an order earns, as pending points until its return window ends.
   * Keyed `earn:order:<id>`: redelivered `order.placed` events and the release
   * job's catch-up write it once.
   */
  @InjectTransactionManager()
  async recordOrderEarning(
    input: OrderPendingPosting,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult> {
    if (!Number.isInteger(input.points) || input.points < 0) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Earned points must be a whole number of 0 or more")
    }
    return await this.post_(
      sharedContext,
      { ...input, idempotency_key: IdempotencyKeys.orderEarning(input.order_id ?? "") },
      async () => ({
        type: "pending",
        points: input.points,
        movement: { balance_change: 0, pending_change: input.points, debt_change: 0 },
        lifetime_earned: 0,
        lifetime_redeemed: 0,
        release_at: input.release_at,
      })
    )
  }

  /**
   * An award's writes, in one transaction: what earning read of the order
   * (`recordOrderFacts`, a guest's order too) and, for a member's order, its
   * pending points (`recordOrderEarning`). Returns the posting (null without
   * one) and the ids of the facts this call wrote.
   */
  @InjectTransactionManager()
  async recordOrderAward(
    input: { earning: OrderPendingPosting | null; facts: OrderFactInput | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ result: PostingResult | null; fact_ids: string[] }> {
    const fact_ids = input.facts ? await this.recordOrderFacts([input.facts], sharedContext) : []
    const result = input.earning ? await this.recordOrderEarning(input.earning, sharedContext) : null
    return { result, fact_ids }
  }

  /**
   * Move what is left of an order's pending points to the available balance
   * (paying off debt first). Returns null when nothing is left to release,
   * e.g. the order was canceled.
   */
  @InjectTransactionManager()
  async releaseOrderPoints(
    input: OrderReleaseInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const locked = await this.lockOrderAccount_(sharedContext, input)
    if (!locked) return null
    const { trx, customerId, summary } = locked
    if (summary.pending <= 0) {
      return null
    }
    const earning = await this.entryByKey_(trx, IdempotencyKeys.orderEarning(input.order_id))
    return await this.post_(
      sharedContext,
      {
        ...orderPosting(customerId, input.order_id, IdempotencyKeys.orderRelease(input.order_id), "Return window ended"),
        program_version: earning?.program_version ?? null,
        currency_code: earning?.currency_code ?? null,
        details: { earned: summary.earned, reversed_before_release: summary.reversed },
      },
      async (trx, account, entryId) => ({
        type: "release",
        points: summary.pending,
        movement: await this.creditBalance_(trx, account, entryId, summary.pending, input.expires_at, -summary.pending),
        lifetime_earned: summary.pending,
        lifetime_redeemed: 0,
      })
    )
  }

  /**
   * Bring what an order stands at in points to `target` (all of it reversed
   * when canceled), posting one entry for the difference. Down: taken from the
   * order's pending points, then the balance, then recorded as debt. Up: more
   * pending points while the order waits for its return window, or points on
   * the balance (a lot) once it has been released. The key counts the order's
   * entries, so it is unique per change and the same change, redelivered,
   * finds nothing left to post.
   */
  @InjectTransactionManager()
  async reverseOrderPoints(
    input: OrderReversalInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const locked = await this.lockOrderAccount_(sharedContext, input)
    if (!locked) return null
    const { trx, customerId, summary } = locked
    const earning = await this.entryByKey_(trx, IdempotencyKeys.orderEarning(input.order_id))
    if (!earning) return null
    const standing = summary.earned - summary.reversed
    const target = input.canceled ? 0 : Math.max(input.target ?? standing, 0)
    const points = target - standing
    if (points === 0) return null
    const [{ count }] = await trx("loyalty_entry").where({ order_id: input.order_id }).count({ count: "*" })

    return await this.post_(
      sharedContext,
      {
        ...orderPosting(
          customerId,
          input.order_id,
          IdempotencyKeys.orderCorrection(input.order_id, points < 0 ? "reverse" : "earn", Number(count)),
          input.reason
        ),
        program_version: earning.program_version,
        currency_code: earning.currency_code,
        details: {
          ...(input.details ?? {}),
          canceled: input.canceled,
          earned_before: standing,
          target,
        },
      },
      async (trx, account, entryId) => {
        if (points > 0) {
          // Still in its return window: more pending, released with the rest.
          if (summary.released === 0) {
            return {
              type: "pending",
              points,
              movement: { balance_change: 0, pending_change: points, debt_change: 0 },
              lifetime_earned: 0,
              lifetime_redeemed: 0,
              release_at: earning.release_at,
            }
          }
          return {
            type: "earn",
            points,
            movement: await this.creditBalance_(trx, account, entryId, points, input.expires_at ?? null),
            lifetime_earned: points,
            lifetime_redeemed: 0,
          }
        }
        const taken = -points
        const split = splitReversal(taken, summary.pending, account.balance)
        const lots = split.from_balance > 0 ? await this.consumeLots_(trx, account.id, split.from_balance) : []
        return {
          type: "reverse",
          details: lots.length ? { lots } : undefined,
          points,
          movement: {
            balance_change: -split.from_balance,
            pending_change: -split.from_pending,
            debt_change: split.to_debt,
          },
          // Points taken back after release no longer count as earned.
          lifetime_earned: -(split.from_balance + split.to_debt),
          lifetime_redeemed: 0,
        }
      }
    )
  }

  /**
   * Fill in the order on the entries written while its cart completed (the
   * redemption is debited before the order exists). Only an empty reference
   * is filled; amounts are never touched. A debit that a failed completion
   * attempt already undid (voided by `revertEntry`) is not the order's, so it
   * stays out. Returns how many entries changed.
   */
  @InjectTransactionManager()
  async attachCartEntriesToOrder(
    cartId: string,
    orderId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<number> {
    return await transactionOf(sharedContext, WRITES)("loyalty_entry")
      .where({ reference_type: ReferenceTypes.CART, reference_id: cartId })
      .whereNull("order_id")
      .whereNull("voided_at")
      .update({ order_id: orderId })
  }

  /**
   * Give back points spent on an order up to `target`: all of them on
   * cancel, the value by which the order shrank on a return or change
   * (`orderPointsTargets`). Points given back are never taken again; the key
   * names the level reached, so any number of triggers restore each point once.
   */
  @InjectTransactionManager()
  async restoreOrderRedemption(
    input: OrderRestoreInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const locked = await this.lockOrderAccount_(sharedContext, input)
    if (!locked) return null
    const { trx, customerId, summary } = locked
    if (summary.redeemed <= 0) return null
    const target = input.canceled ? summary.redeemed : Math.min(summary.redeemed, input.target ?? 0)
    const points = target - summary.restored
    if (points <= 0) return null
    return await this.post_(
      sharedContext,
      {
        ...orderPosting(customerId, input.order_id, IdempotencyKeys.orderRestore(input.order_id, target), input.reason),
        details: { ...(input.details ?? {}), redeemed: summary.redeemed, restored_before: summary.restored, target },
      },
      async (trx, account, entryId) => {
        return {
          type: "restore",
          points,
          movement: await this.creditBalance_(trx, account, entryId, points, input.expires_at),
          lifetime_earned: 0,
          lifetime_redeemed: -points,
        }
      }
    )
  }

  /**
   * Take back a credit whose reason went away (feedback points of an order
   * that was canceled): a `reverse` entry for the whole credit, from the
   * balance first-expiring lots first, the rest as debt. It hits the account
   * that received the credit, whoever owns the order now. Null when there is
   * no effective credit under `creditKey`; keyed, so it happens once.
   */
  @InjectTransactionManager()
  async takeBackCredit(
    input: { credit_key: string; idempotency_key: string; reason: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const trx = transactionOf(sharedContext, WRITES)
    const credit = await trx("loyalty_entry as e")
      .join("loyalty_account as a", "a.id", "e.account_id")
      .select<LedgerEntry & { customer_id: string }>("e.*", "a.customer_id")
      .where("e.idempotency_key", input.credit_key)
      .whereNull("e.voided_at")
      .first()
    if (!credit || credit.points <= 0) return null
    if (await this.accountClosed_(trx, credit.customer_id)) return null
    const entry = credit
    return await this.post_(
      sharedContext,
      {
        customer_id: credit.customer_id,
        idempotency_key: input.idempotency_key,
        reason: input.reason,
        order_id: entry.order_id,
        reference_type: entry.reference_type,
        reference_id: entry.reference_id,
        program_version: entry.program_version,
        details: { taken_back_entry: entry.id },
      },
      async (trx, account) => {
        const split = splitReversal(entry.points, 0, account.balance)
        const lots = split.from_balance > 0 ? await this.consumeLots_(trx, account.id, split.from_balance) : []
        return {
          type: "reverse",
          details: lots.length ? { lots } : undefined,
          points: -entry.points,
          movement: { balance_change: -split.from_balance, pending_change: 0, debt_change: split.to_debt },
          lifetime_earned: -entry.points,
          lifetime_redeemed: 0,
        }
      }
    )
  }

  /**
   * Close a deleted customer's account: their pending points (one entry per
   * order, so each order's summary shows nothing pending) and their balance
   * are forfeited, their lots emptied and any debt written off, then the
   * account is soft-deleted. A closed account takes no more writes: order
   * flows find nothing to do, and a credit is refused. Keyed by customer (and
   * order), so a redelivered `customer.deleted` changes nothing.
   */
  @InjectTransactionManager()
  async closeAccount(
    customerId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult[]> {
    const trx = transactionOf(sharedContext, WRITES)
    const live = await trx("loyalty_account").where({ customer_id: customerId }).whereNull("deleted_at").first()
    if (!live) return []
    const account = await this.lockAccount_(trx, customerId)
    const results: PostingResult[] = []
    const { rows: orders }: { rows: { order_id: string; pending: number }[] } = await trx.raw(
      `SELECT order_id, sum(pending_change)::int AS pending FROM loyalty_entry
        WHERE account_id = ? AND order_id IS NOT NULL GROUP BY order_id HAVING sum(pending_change) > 0
        ORDER BY order_id`,
      [account.id]
    )
    for (const order of orders) {
      results.push(
        await this.post_(
          sharedContext,
          {
            customer_id: customerId,
            idempotency_key: IdempotencyKeys.accountClosure(customerId, order.order_id),
            reason: "Customer deleted: pending points forfeited",
            order_id: order.order_id,
            reference_type: ReferenceTypes.CUSTOMER,
            reference_id: customerId,
          },
          async (_trx, current) => {
            const pending = Math.min(order.pending, current.pending)
            return {
              type: "expire",
              points: -pending,
              movement: { balance_change: 0, pending_change: -pending, debt_change: 0 },
              lifetime_earned: 0,
              lifetime_redeemed: 0,
            }
          }
        )
      )
    }
    const rest = await this.lockAccount_(trx, customerId)
    if (rest.balance > 0 || rest.pending > 0 || rest.debt > 0) {
      results.push(
        await this.post_(
          sharedContext,
          {
            customer_id: customerId,
            idempotency_key: IdempotencyKeys.accountClosure(customerId),
            reason: "Customer deleted: points forfeited",
            reference_type: ReferenceTypes.CUSTOMER,
            reference_id: customerId,
            details: { balance: rest.balance, pending: rest.pending, debt_written_off: rest.debt },
          },
          async (trx, current) => {
            const lots = current.balance > 0 ? await this.consumeLots_(trx, current.id, current.balance) : []
            return {
              type: "expire",
              details: lots.length ? { lots } : undefined,
              points: -(current.balance + current.pending),
              movement: { balance_change: -current.balance, pending_change: -current.pending, debt_change: -current.debt },
              lifetime_earned: 0,
              lifetime_redeemed: 0,
            }
          }
        )
      )
    }
    await trx("loyalty_account").where({ id: account.id }).update({ deleted_at: trx.fn.now(), updated_at: trx.fn.now() })
    return results
  }

  /** Undo `closeAccount` (a compensation): the account is open again and its forfeits are reverted. */
  @InjectTransactionManager()
  async reopenAccount(
    customerId: string,
    entryIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    const live = await trx("loyalty_account").where({ customer_id: customerId }).whereNull("deleted_at").first()
    if (!live) {
      const closed = await trx("loyalty_account")
        .where({ customer_id: customerId })
        .whereNotNull("deleted_at")
        .orderBy("deleted_at", "desc")
        .first()
      if (closed) await trx("loyalty_account").where({ id: closed.id }).update({ deleted_at: null })
    }
    for (const id of entryIds) {
      await this.revertEntry(id, "Account closing rolled back", sharedContext)
    }
  }

  /**
   * Empty one expired lot: one `expire` entry per lot, keyed by the lot. Like a
   * debit, the entry records the lot it took (`details.lots`).
   */
  @InjectTransactionManager()
  async expireLot(
    lotId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const trx = transactionOf(sharedContext, WRITES)
    const lotOwner = await trx("loyalty_lot as l")
      .join("loyalty_account as a", "a.id", "l.account_id")
      .select("a.customer_id")
      .where("l.id", lotId)
      .first()
    if (!lotOwner) return null
    await this.lockAccount_(trx, lotOwner.customer_id)
    const lot = await trx("loyalty_lot").where({ id: lotId }).forUpdate().first()
    if (!lot || lot.remaining <= 0 || !lot.expires_at || new Date(lot.expires_at) > now) {
      return null
    }
    return await this.post_(
      sharedContext,
      {
        customer_id: lotOwner.customer_id,
        idempotency_key: IdempotencyKeys.lotExpiry(lotId),
        reason: "Points expired",
        reference_type: ReferenceTypes.LOT,
        reference_id: lotId,
        details: { lot_points: lot.points, expired_at: new Date(lot.expires_at).toISOString() },
      },
      async (trx) => {
        await trx("loyalty_lot").where({ id: lotId }).update({ remaining: 0, updated_at: trx.fn.now() })
        return {
          type: "expire",
          // The lot it emptied, as debits record theirs: an undone expiry gives the points back
          // with the same (past) expiry, so the retried job expires them again.
          details: { lots: [{ lot_id: lotId, points: lot.remaining, expires_at: new Date(lot.expires_at).toISOString() }] },
          points: -lot.remaining,
          movement: { balance_change: -lot.remaining, pending_change: 0, debt_change: 0 },
          lifetime_earned: 0,
          lifetime_redeemed: 0,
        }
      }
    )
  }

  /**
   * Undo one entry written by a workflow step that is being compensated: the
   * counter-entry moves every cached figure back. Points a shopper already
   * spent cannot be taken back from the balance, so that part becomes debt;
   * debt already paid off is given back as balance. Points given back go to
   * lots with the expiries of the lots the entry took (`details.lots`), so an
   * undone debit leaves the shopper's lots as they were. Keyed by the entry,
   * so a compensation that runs twice undoes once. The original is marked
   * voided: it gives its idempotency key back, so the retried workflow posts
   * again, and neither entry counts in the order's summary.
   */
  @InjectTransactionManager()
  async revertEntry(
    entryId: string,
    reason: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const trx = transactionOf(sharedContext, WRITES)
    const original = await trx("loyalty_entry as e")
      .join("loyalty_account as a", "a.id", "e.account_id")
      .select<LedgerEntry & { customer_id: string }>("e.*", "a.customer_id")
      .where("e.id", entryId)
      .first()
    if (!original) return null
    const entry = original
    const result = await this.post_(
      sharedContext,
      {
        customer_id: original.customer_id,
        idempotency_key: IdempotencyKeys.entryRevert(entryId),
        reason,
        order_id: entry.order_id,
        reference_type: ReferenceTypes.ENTRY,
        reference_id: entryId,
        program_version: entry.program_version,
        currency_code: entry.currency_code,
        details: { reverted_entry: entryId, reverted_type: entry.type },
      },
      async (trx, account, newEntryId) => {
        const movement = revertMovement(entry, account)
        if (movement.balance_change < 0) {
          await this.consumeLots_(trx, account.id, -movement.balance_change)
        } else if (movement.balance_change > 0) {
          const taken = Array.isArray(entry.details?.lots) ? (entry.details.lots as LotTake[]) : []
          for (const lot of lotsToGiveBack(taken, movement.balance_change)) {
            await this.createLot_(trx, account.id, newEntryId, lot.points, lot.expires_at)
          }
        }
        return {
          type: entry.balance_change < 0 ? "restore" : "adjust",
          points: -entry.points,
          movement,
          lifetime_earned: entry.type === "redeem" ? 0 : -Math.max(entry.balance_change, 0),
          lifetime_redeemed: entry.type === "redeem" ? entry.points : 0,
        }
      }
    )
    await trx("loyalty_entry").where({ id: entryId }).whereNull("voided_at").update({ voided_at: trx.fn.now() })
    return result
  }

  /**
   * Reserve a coupon purchase under the customer's account lock: a retried
   * request (same key) gets the first coupon back, and the per-customer limit
   * holds even when purchases race.
   */
  @InjectTransactionManager()
  async reserveCoupon(
    input: CouponReservation,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ coupon: CouponRecord; created: boolean }> {
    const trx = transactionOf(sharedContext, WRITES)
    await this.lockAccount_(trx, input.customer_id)
    const existing = await trx<CouponRecord>("loyalty_coupon").where({ idempotency_key: input.idempotency_key }).first()
    if (existing) {
      return { coupon: existing, created: false }
    }
    if (input.per_customer_limit !== null) {
      const [{ count }] = await trx("loyalty_coupon")
        .count({ count: "*" })
        .where({ customer_id: input.customer_id, reward_id: input.reward_id })
        .whereNull("deleted_at")
      if (Number(count) >= input.per_customer_limit) {
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `You already have the maximum of ${input.per_customer_limit} coupon(s) for this reward`
        )
      }
    }
    const [coupon] = await trx<CouponRecord>("loyalty_coupon")
      .insert({
        id: generateEntityId(undefined, "lcpn"),
        reward_id: input.reward_id,
        customer_id: input.customer_id,
        code: input.code,
        currency_code: input.currency_code,
        points_spent: input.points_spent,
        expires_at: input.expires_at,
        idempotency_key: input.idempotency_key,
      })
      .returning("*")
    return { coupon, created: true }
  }

  /**
   * Let a checkout hold coupons: each open coupon (not closed, not past its
   * date, not held by another cart) is marked as held by `cartId`, in one
   * conditional update, so a claim and the expiry job's `closeCoupon` on the
   * same coupon are serialized by Postgres' row lock: whichever comes first
   * wins. Returns the ids now held by the cart.
   */
  @InjectTransactionManager()
  async claimCoupons(
    couponIds: string[],
    cartId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    if (!couponIds.length) return []
    const rows: { id: string }[] = await transactionOf(sharedContext, WRITES)("loyalty_coupon")
      .whereIn("id", couponIds)
      .whereNull("expired_at")
      .whereNull("deleted_at")
      .where("expires_at", ">", now)
      .where((q) => q.whereNull("claimed_cart_id").orWhere("claimed_cart_id", cartId))
      .update({ claimed_cart_id: cartId, updated_at: new Date() })
      .returning("id")
    return rows.map((row) => row.id)
  }

  /**
   * A checkout that held coupons did not complete: let go of them. Returns
   * those the expiry job closed meanwhile (it refunds nothing on a held
   * coupon), so the caller can refund them now.
   */
  @InjectTransactionManager()
  async releaseCouponClaims(
    couponIds: string[],
    cartId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CouponRecord[]> {
    if (!couponIds.length) return []
    const rows = await transactionOf(sharedContext, WRITES)<CouponRecord>("loyalty_coupon")
      .whereIn("id", couponIds)
      .where("claimed_cart_id", cartId)
      .update({ claimed_cart_id: null, updated_at: new Date() })
      .returning("*")
    return rows.filter((row) => row.expired_at !== null)
  }

  /**
   * Close an expired coupon, once. Answers whether this call closed it and
   * whether a checkout held it at that moment: only an unheld coupon may be
   * refunded, since no checkout can claim it once it is closed.
   */
  @InjectTransactionManager()
  async closeCoupon(
    couponId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ closed: boolean; held: boolean }> {
    const [row]: { claimed_cart_id: string | null }[] = await transactionOf(sharedContext, WRITES)("loyalty_coupon")
      .where({ id: couponId })
      .whereNull("expired_at")
      .update({ expired_at: now, updated_at: new Date() })
      .returning("claimed_cart_id")
    return { closed: !!row, held: !!row?.claimed_cart_id }
  }

  // ---------------------------------------------------------------- internals

  // ---------------------------------------------------------------- member care

  /** Member care's rules: the plugin options (`care`) and the message settings staff saved. */
  @InjectManager()
  async getCareRules(@MedusaContext() sharedContext: SharedContext = {}): Promise<CareRules> {
    const saved = await this.listNotificationSettings({}, { take: null }, sharedContext)
    return careRules(this.options_.care, saved)
  }

  /**
   * Mark the customer's account referred (creating it if needed), under the
   * account's lock: the claim of a referral code does it before the referral
   * is recorded, so a points event that says `referred: false` was written
   * before any referral of the customer existed.
   */
  @InjectTransactionManager()
  async markReferred(customerId: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    const account = await this.lockAccount_(trx, customerId)
    if (!account.referred) {
      await trx("loyalty_account").where({ id: account.id }).update({ referred: true, updated_at: trx.fn.now() })
    }
  }

  /**
   * A shopper's birthday and notifications opt-out. The birthday is set once
   * (a second, different one is refused: the bonus would otherwise be paid
   * again); staff can correct it (`allow_birthday_change`). Writes under the
   * account's lock, creating the account if needed.
   */
  @InjectTransactionManager()
  async updateMemberPreferences(
    input: MemberPreferencesInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LoyaltyAccount> {
    const trx = transactionOf(sharedContext, WRITES)
    const account = await this.lockAccount_(trx, input.customer_id)
    const patch: Record<string, unknown> = {}
    if (input.birthday) {
      const { month, day } = input.birthday
      const same = account.birthday_month === month && account.birthday_day === day
      if (account.birthday_month != null && !same && !input.allow_birthday_change) {
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Your birthday is already set (${String(account.birthday_month).padStart(2, "0")}-${String(account.birthday_day).padStart(2, "0")}); ask the store to change it`
        )
      }
      if (!same) Object.assign(patch, { birthday_month: month, birthday_day: day, birthday_set_at: input.now })
    }
    if (input.birthday === null && input.allow_birthday_change && account.birthday_month != null) {
      Object.assign(patch, { birthday_month: null, birthday_day: null, birthday_set_at: null })
    }
    if (input.notifications_opt_out !== undefined) patch.notifications_opt_out = input.notifications_opt_out
    if (!Object.keys(patch).length) return account
    const [updated] = await trx<LoyaltyAccount>("loyalty_account")
      .where({ id: account.id })
      .update({ ...patch, updated_at: trx.fn.now() })
      .returning("*")
    return updated
  }

  /**
   * Members whose birthday is one of `days` and was set on or before
   * `set_before` (the 30-day rule), a page at a time by customer id.
   */
  @InjectManager()
  async listBirthdayMembers(
    input: { days: { month: number; day: number }[]; set_before: Date; after: string | null; limit: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ customer_id: string }[]> {
    const knex = knexOf(sharedContext)
    return await knex("loyalty_account")
      .select("customer_id")
      .whereNull("deleted_at")
      .where("birthday_set_at", "<=", input.set_before)
      .where((q) => {
        for (const { month, day } of input.days) q.orWhere({ birthday_month: month, birthday_day: day })
      })
      .modify((q) => (input.after ? q.where("customer_id", ">", input.after) : q))
      .orderBy("customer_id")
      .limit(input.limit)
  }

  /**
   * Claim up to `limit` open lots that expire after `now` and by `until` and
   * were not announced yet: each is marked `reminded_at = now` in one
   * statement, so two runs of the reminder never claim the same lot.
   */
  @InjectTransactionManager()
  async claimExpiringLots(
    input: { now: Date; until: Date; limit: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ExpiringLot[]> {
    const trx = transactionOf(sharedContext, WRITES)
    const { rows } = await trx.raw(
      `UPDATE loyalty_lot l SET reminded_at = ?, updated_at = now()
         FROM loyalty_account a
        WHERE l.account_id = a.id
          AND l.id IN (
            SELECT id FROM loyalty_lot
             WHERE remaining > 0 AND expires_at > ? AND expires_at <= ?
               AND reminded_at IS NULL AND deleted_at IS NULL
             ORDER BY expires_at, id
             LIMIT ?
             FOR UPDATE SKIP LOCKED)
      RETURNING l.id AS lot_id, l.account_id, a.customer_id, l.remaining AS points, l.expires_at`,
      [input.now, input.now, input.until, input.limit]
    )
    return (rows as ExpiringLot[]).map((row) => ({ ...row, expires_at: new Date(row.expires_at) }))
  }

  /** Undo `claimExpiringLots` (its workflow failed before the reminders went out). */
  @InjectTransactionManager()
  async unclaimExpiringLots(
    input: { lot_ids: string[]; claimed_at: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    if (!input.lot_ids.length) return
    await transactionOf(sharedContext, WRITES)("loyalty_lot")
      .whereIn("id", input.lot_ids)
      .where({ reminded_at: input.claimed_at })
      .update({ reminded_at: null })
  }

  /**
   * Erase a member's personal data from the points tables, closed accounts
   * included: the birthday, and the reasons staff typed on adjustments
   * (replaced by `erasedReason`). Amounts, lots and the rest of the ledger stay.
   */
  @InjectTransactionManager()
  async eraseMemberData(
    input: { customer_id: string; erased_reason: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ accounts: number; entries: number }> {
    const trx = transactionOf(sharedContext, WRITES)
    const accounts = await trx("loyalty_account")
      .where({ customer_id: input.customer_id })
      .update({ birthday_month: null, birthday_day: null, birthday_set_at: null, updated_at: trx.fn.now() })
    const entries = await trx("loyalty_entry")
      .whereIn("account_id", trx("loyalty_account").select("id").where({ customer_id: input.customer_id }))
      .where({ actor_type: "admin" })
      // An import's reason is the constant "import", typed by nobody: it stays.
      .where((q) => q.whereNull("reference_type").orWhereNot("reference_type", ReferenceTypes.IMPORT))
      .whereNot({ reason: input.erased_reason })
      .update({ reason: input.erased_reason, updated_at: trx.fn.now() })
    return { accounts, entries }
  }

  // ---------------------------------------------------------------- member import

  /**
   * Credit a batch of imported rows in one transaction, each through
   * `creditPoints` (the account's lock, the key checked under it, one entry
   * and one lot). Accounts are locked in customer-id order so two batches
   * never wait on each other in a circle. Keys already written come back with
   * `created: false`.
   */
  @InjectTransactionManager()
  async creditImportedPoints(
    postings: CreditPosting[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ entry_id: string; idempotency_key: string; created: boolean }[]> {
    transactionOf(sharedContext, WRITES)
    const ordered = [...postings].sort((a, b) => (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0))
    const results: { entry_id: string; idempotency_key: string; created: boolean }[] = []
    for (const posting of ordered) {
      const result = await this.creditPoints(posting, sharedContext)
      results.push({ entry_id: result.entry.id, idempotency_key: posting.idempotency_key, created: result.created })
    }
    return results
  }

  // ------------------------------------------------------------ order facts

  /**
   * Store what earning read of these orders (one row per order, set-based:
   * one statement per call). An order that has its facts keeps them: the
   * award and a replay's backfill may both reach it, and the first is as
   * true as the second. Returns the ids of the rows this call wrote.
   */
  @InjectTransactionManager()
  async recordOrderFacts(facts: OrderFactInput[], @MedusaContext() sharedContext: SharedContext = {}): Promise<string[]> {
    if (!facts.length) return []
    const rows = facts.map((f) => ({ ...f, id: generateEntityId(undefined, "lofact"), placed_at: new Date(f.placed_at).toISOString() }))
    const { rows: written }: { rows: { id: string }[] } = await transactionOf(sharedContext, "Order facts").raw(
      `INSERT INTO loyalty_order_fact (id, order_id, customer_id, currency_code, placed_at, sales_channel_id,
                                       total, raw_total, items_net, raw_items_net, points_credit, raw_points_credit, lines, source)
       SELECT r.id, r.order_id, r.customer_id, r.currency_code, r.placed_at, r.sales_channel_id,
              r.total::numeric, jsonb_build_object('value', r.total, 'precision', 20),
              r.items_net::numeric, jsonb_build_object('value', r.items_net, 'precision', 20),
              r.points_credit::numeric, jsonb_build_object('value', r.points_credit, 'precision', 20),
              r.lines, r.source
         FROM jsonb_to_recordset(?::jsonb) AS r(id text, order_id text, customer_id text, currency_code text, placed_at timestamptz,
                                                sales_channel_id text, total text, items_net text, points_credit text, lines jsonb, source text)
       ON CONFLICT (order_id) WHERE deleted_at IS NULL DO NOTHING
       RETURNING id`,
      [JSON.stringify(rows)]
    )
    return written.map((row) => row.id)
  }

  /** Remove order facts a failed award wrote (its compensation). */
  @InjectTransactionManager()
  async removeOrderFacts(ids: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    if (!ids.length) return
    await transactionOf(sharedContext, "Order facts")("loyalty_order_fact").whereIn("id", ids).delete()
  }

  /** Which of these ledger keys are written (and not voided): one query for a batch. */
  @InjectManager()
  async existingEntryKeys(keys: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<string[]> {
    if (!keys.length) return []
    const rows: { idempotency_key: string }[] = await knexOf(sharedContext)("loyalty_entry")
      .select("idempotency_key")
      .whereIn("idempotency_key", keys)
      .whereNull("voided_at")
    return rows.map((row) => row.idempotency_key)
  }

  /** Which of these customers have a birthday set. */
  @InjectManager()
  async customersWithBirthday(
    customerIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    if (!customerIds.length) return []
    const rows: { customer_id: string }[] = await knexOf(sharedContext)("loyalty_account")
      .select("customer_id")
      .whereIn("customer_id", customerIds)
      .whereNull("deleted_at")
      .whereNotNull("birthday_month")
    return rows.map((row) => row.customer_id)
  }

  /**
   * Imported birthdays, each under its account's lock and only where none is
   * set (a birthday the shopper gave stays). `birthday_set_at` is the import's
   * time, so the 30-day rule of the birthday bonus holds for imported ones too.
   * Returns the customers whose birthday this call set.
   */
  @InjectTransactionManager()
  async setImportedBirthdays(
    input: { birthdays: { customer_id: string; month: number; day: number }[]; now: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    const trx = transactionOf(sharedContext, WRITES)
    const set: string[] = []
    const ordered = [...input.birthdays].sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1))
    for (const { customer_id, month, day } of ordered) {
      const account = await this.lockAccount_(trx, customer_id)
      if (account.birthday_month != null) continue
      await trx("loyalty_account")
        .where({ id: account.id })
        .update({ birthday_month: month, birthday_day: day, birthday_set_at: input.now, updated_at: trx.fn.now() })
      set.push(customer_id)
    }
    return set
  }

  /** Undo `setImportedBirthdays` (a compensation): only birthdays still as that import set them. */
  @InjectTransactionManager()
  async clearImportedBirthdays(
    input: { customer_ids: string[]; set_at: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    if (!input.customer_ids.length) return
    const trx = transactionOf(sharedContext, WRITES)
    await trx("loyalty_account")
      .whereIn("customer_id", input.customer_ids)
      .whereNull("deleted_at")
      .where({ birthday_set_at: input.set_at })
      .update({ birthday_month: null, birthday_day: null, birthday_set_at: null, updated_at: trx.fn.now() })
  }

  /**
   * Claim an import run for processing: `created` → `running` in one
   * conditional update, so a file is read once per run even when two uploads
   * race. Refused when the run already ran.
   */
  @InjectTransactionManager()
  async startMemberImport(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    const updated = await trx("loyalty_member_import")
      .where({ id, status: "created" })
      .whereNull("deleted_at")
      .update({ status: "running", updated_at: trx.fn.now() })
    if (updated) return
    const row = await trx("loyalty_member_import").select("status").where({ id }).whereNull("deleted_at").first()
    if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Import ${id} was not found`)
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Import ${id} is ${row.status}: a file is read once per import, create a new import to read it again`
    )
  }

  /**
   * Add one batch's figures to an import run (counts add up, lists keep their
   * first `listLimit` lines), under the run's row lock so concurrent batches
   * never lose a count. A negative delta takes a batch back (compensation).
   */
  @InjectTransactionManager()
  async addMemberImportProgress(
    input: { id: string; delta: MemberImportDelta; list_limit: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    const row = await trx("loyalty_member_import").where({ id: input.id }).forUpdate().first()
    if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Import ${input.id} was not found`)
    const { counts, lists, bytes_read } = input.delta
    const patch: Record<string, unknown> = { updated_at: trx.fn.now() }
    for (const [column, value] of Object.entries(counts)) {
      if (value) patch[column] = trx.raw("?? + ?", [column, value])
    }
    if (bytes_read != null) patch.bytes_read = trx.raw("greatest(bytes_read, ?)", [bytes_read])
    if (input.delta.format && !row.format) patch.format = input.delta.format
    for (const [column, items] of Object.entries(lists ?? {})) {
      const current = (row[column] as unknown[] | null) ?? []
      if (items?.length && current.length < input.list_limit) {
        patch[column] = JSON.stringify([...current, ...items].slice(0, input.list_limit))
      }
    }
    await trx("loyalty_member_import").where({ id: input.id }).update(patch)
  }

  /** Refuse a credit past its per-customer limit (under the account's lock, see `CreditPosting.limit`). */
  protected async assertWithinLimit_(
    trx: Knex.Transaction,
    accountId: string,
    posting: CreditPosting,
    limit: { count: number; since: Date | null }
  ): Promise<void> {
    const [{ count }] = await trx("loyalty_entry")
      .count<{ count: string }[]>("id as count")
      .where({
        account_id: accountId,
        reference_type: posting.reference_type ?? null,
        reference_id: posting.reference_id ?? null,
      })
      .where("points", ">", 0)
      .whereNull("voided_at")
      .modify((q) => (limit.since ? q.where("created_at", ">=", limit.since) : q))
    if (Number(count) >= limit.count) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Limit reached: ${posting.reference_id ?? "this action"} pays at most ${limit.count} time${limit.count === 1 ? "" : "s"} ${limit.since ? "in this period" : "per customer"}`
      )
    }
  }

  /**
   * The one write path: lock the account, honour the idempotency key, let
   * `apply` move lots and say how the figures change, then write the entry and
   * the cached figures. The database's checks (balance, pending, debt ≥ 0;
   * unique key) back every rule up.
   */
  protected async post_(
    sharedContext: SharedContext,
    base: PostingBase,
    apply: (
      trx: Knex.Transaction,
      account: LoyaltyAccount,
      entryId: string
    ) => Promise<{
      type: LedgerEntry["type"]
      points: number
      movement: Movement
      lifetime_earned: number
      lifetime_redeemed: number
      release_at?: Date | null
      /** Merged into the entry's details (e.g. which lots a debit took). */
      details?: Record<string, unknown>
    }>
  ): Promise<PostingResult> {
    const trx = transactionOf(sharedContext, WRITES)
    const account = await this.lockAccount_(trx, base.customer_id)
    const existing = await this.entryByKey_(trx, base.idempotency_key)
    if (existing) {
      return { entry: existing, account, created: false }
    }
    const entryId = generateEntityId(undefined, "lent")
    const change = await apply(trx, account, entryId)
    const [entry] = await trx<LedgerEntry>("loyalty_entry")
      .insert({
        id: entryId,
        account_id: account.id,
        type: change.type,
        points: change.points,
        ...change.movement,
        reason: base.reason,
        actor_type: base.actor_type ?? "system",
        actor_id: base.actor_id ?? null,
        reference_type: base.reference_type ?? null,
        reference_id: base.reference_id ?? null,
        order_id: base.order_id ?? null,
        idempotency_key: base.idempotency_key,
        program_version: base.program_version ?? null,
        currency_code: base.currency_code ?? null,
        release_at: change.release_at ?? null,
        details: base.details || change.details ? { ...base.details, ...change.details } : null,
        created_at: trx.raw("clock_timestamp()"),
        updated_at: trx.raw("clock_timestamp()"),
      })
      .returning("*")
    const [updated] = await trx<LoyaltyAccount>("loyalty_account")
      .where({ id: account.id })
      .update({
        balance: trx.raw("balance + ?", [change.movement.balance_change]),
        pending: trx.raw("pending + ?", [change.movement.pending_change]),
        debt: trx.raw("debt + ?", [change.movement.debt_change]),
        lifetime_earned: trx.raw("lifetime_earned + ?", [change.lifetime_earned]),
        lifetime_redeemed: trx.raw("lifetime_redeemed + ?", [change.lifetime_redeemed]),
        updated_at: trx.fn.now(),
      })
      .returning("*")
    return { entry, account: updated, created: true }
  }

  /**
   * Lock the account that holds an order's points and read what the order
   * stands at under that lock; null when there is nothing to do: the order
   * has no points (a guest's, say: no lock, so no account is opened) or its
   * holder's account was closed (their points were forfeited with it).
   */
  protected async lockOrderAccount_(
    sharedContext: SharedContext,
    input: { order_id: string; customer_id: string }
  ): Promise<{ trx: Knex.Transaction; customerId: string; summary: OrderPointsSummary } | null> {
    const trx = transactionOf(sharedContext, WRITES)
    if (!(await this.orderTotals_(trx, [input.order_id])).has(input.order_id)) return null
    const customerId = (await this.orderHolder_(trx, input.order_id)) ?? input.customer_id
    if (await this.accountClosed_(trx, customerId)) return null
    await this.lockAccount_(trx, customerId)
    const summary = (await this.orderTotals_(trx, [input.order_id])).get(input.order_id)
    return summary ? { trx, customerId, summary } : null
  }

  /**
   * Lock (creating if needed) the customer's account row for the rest of the
   * transaction. Every write to an account passes here first, so writes to one
   * account are serialized across server and worker processes.
   */
  protected async lockAccount_(trx: Knex.Transaction, customerId: string): Promise<LoyaltyAccount> {
    await setLockTimeout(trx)
    const select = () =>
      trx<LoyaltyAccount>("loyalty_account").where({ customer_id: customerId }).whereNull("deleted_at").forUpdate().first()
    let row = await select()
    if (!row) {
      if (await this.accountClosed_(trx, customerId)) {
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Customer ${customerId} was deleted: their points account is closed`
        )
      }
      await trx.raw(
        `INSERT INTO loyalty_account (id, customer_id, balance, pending, debt, lifetime_earned, lifetime_redeemed)
         VALUES (?, ?, 0, 0, 0, 0, 0)
         ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO NOTHING`,
        [generateEntityId(undefined, "lacc"), customerId]
      )
      row = await select()
    }
    return row!
  }

  /**
   * The customer whose account holds an order's points: the one who earned
   * them (else whoever spent points on it), whoever owns the order now. An
   * order transferred to another customer is reversed, restored and released
   * on the account its points are in.
   */
  protected async orderHolder_(knex: Knex | Knex.Transaction, orderId: string): Promise<string | null> {
    const row: { customer_id: string } | undefined = await knex("loyalty_entry as e")
      .join("loyalty_account as a", "a.id", "e.account_id")
      .select("a.customer_id")
      .where("e.order_id", orderId)
      .orderByRaw("(e.type = 'pending') desc, e.created_at asc, e.id asc")
      .first()
    return row?.customer_id ?? null
  }

  /** Whether the customer's account was closed (the customer was deleted) and no open one exists. */
  protected async accountClosed_(knex: Knex | Knex.Transaction, customerId: string): Promise<boolean> {
    const rows: { deleted_at: Date | null }[] = await knex("loyalty_account")
      .select("deleted_at")
      .where({ customer_id: customerId })
    return rows.length > 0 && rows.every((row) => row.deleted_at !== null)
  }

  protected async entryByKey_(trx: Knex | Knex.Transaction, key: string): Promise<LedgerEntry | null> {
    return (await trx<LedgerEntry>("loyalty_entry").where({ idempotency_key: key }).whereNull("voided_at").first()) ?? null
  }

  /**
   * Credit points to the balance side of an account: recorded debt is paid
   * off first, the rest becomes a lot expiring at `expiresAt`. Returns the
   * movement (with `pendingChange` when the points come out of pending ones).
   */
  protected async creditBalance_(
    trx: Knex.Transaction,
    account: Pick<LoyaltyAccount, "id" | "debt">,
    entryId: string,
    points: number,
    expiresAt: Date | null,
    pendingChange = 0
  ): Promise<Movement> {
    const { debt_paid, to_balance } = settleDebt(account.debt, points)
    if (to_balance > 0) {
      await this.createLot_(trx, account.id, entryId, to_balance, expiresAt)
    }
    return { balance_change: to_balance, pending_change: pendingChange, debt_change: -debt_paid }
  }

  protected async createLot_(
    trx: Knex.Transaction,
    accountId: string,
    entryId: string,
    points: number,
    expiresAt: Date | null
  ): Promise<void> {
    await trx("loyalty_lot").insert({
      id: generateEntityId(undefined, "llot"),
      account_id: accountId,
      entry_id: entryId,
      points,
      remaining: points,
      expires_at: expiresAt,
    })
  }

  /**
   * Take points from the account's open lots, first-expiring first, and say
   * what was taken from which lot (with its expiry). Caller holds the account lock.
   */
  protected async consumeLots_(trx: Knex.Transaction, accountId: string, points: number): Promise<LotTake[]> {
    const lots: { id: string; remaining: number; expires_at: Date | null }[] = await trx("loyalty_lot")
      .select("id", "remaining", "expires_at")
      .where({ account_id: accountId })
      .where("remaining", ">", 0)
      .whereNull("deleted_at")
    const { takes, uncovered } = allocateFirstExpiring(
      lots.map((lot) => ({ ...lot, expires_at: lot.expires_at ? new Date(lot.expires_at) : null })),
      points
    )
    if (uncovered > 0) {
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Account ${accountId} lots hold ${points - uncovered} points, fewer than its balance says`
      )
    }
    const expiries = new Map(lots.map((lot) => [lot.id, lot.expires_at ? new Date(lot.expires_at).toISOString() : null]))
    for (const take of takes) {
      await trx("loyalty_lot")
        .where({ id: take.lot_id })
        .update({ remaining: trx.raw("remaining - ?", [take.points]), updated_at: trx.fn.now() })
    }
    return takes.map((take) => ({ ...take, expires_at: expiries.get(take.lot_id) ?? null }))
  }

  /**
   * An order's figures from its effective entries: an entry undone by a
   * compensation (voided), the counter-entry that undid it (reference
   * `entry`) and feedback points (reference `feedback`) count in none of them. Pending is the real pending, every entry
   * included.
   */
  protected async orderTotals_(
    knex: Knex | Knex.Transaction,
    orderIds: string[]
  ): Promise<Map<string, OrderPointsSummary>> {
    // Feedback points ride on the order but are not what the order earned: they stay out of its figures.
    const effective = "voided_at is null and reference_type is distinct from 'entry' and reference_type is distinct from 'feedback'"
    const rows: Record<string, string | number>[] = await knex("loyalty_entry")
      .select("order_id")
      .select(
        // Pending points written for the order, and points it earned after its release (edits, exchanges).
        knex.raw(
          `coalesce(sum(points) filter (where (type = 'pending' or (type = 'earn' and reference_type = 'order')) and ${effective}), 0) as earned`
        ),
        knex.raw(`coalesce(sum(points) filter (where type = 'release' and ${effective}), 0) as released`),
        knex.raw(`coalesce(-sum(points) filter (where type = 'reverse' and ${effective}), 0) as reversed`),
        knex.raw("coalesce(sum(pending_change), 0) as pending"),
        knex.raw(`coalesce(-sum(points) filter (where type = 'redeem' and ${effective}), 0) as redeemed`),
        knex.raw(`coalesce(sum(points) filter (where type = 'restore' and ${effective}), 0) as restored`)
      )
      .whereIn("order_id", orderIds)
      .groupBy("order_id")
    return new Map(
      rows.map((row) => [
        String(row.order_id),
        {
          order_id: String(row.order_id),
          earned: Number(row.earned),
          released: Number(row.released),
          reversed: Number(row.reversed),
          pending: Number(row.pending),
          redeemed: Number(row.redeemed),
          restored: Number(row.restored),
        },
      ])
    )
  }
}

/** What every posting about one order carries: whose, its key and reason, and the order it references. */
const orderPosting = (customerId: string, orderId: string, idempotencyKey: string, reason: string) => ({
  customer_id: customerId,
  idempotency_key: idempotencyKey,
  reason,
  order_id: orderId,
  reference_type: ReferenceTypes.ORDER,
  reference_id: orderId,
})

function assertPositive(points: number) {
  if (!Number.isInteger(points) || points <= 0) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "Points must be a whole number greater than 0")
  }
}

/**
 * The movement that undoes `entry` on the account as it stands now, keeping
 * balance, pending and debt at 0 or more.
 */
function revertMovement(entry: LedgerEntry, account: LoyaltyAccount): Movement {
  let balance = -entry.balance_change
  let debt = -entry.debt_change
  const pending = Math.max(-entry.pending_change, -account.pending)
  if (balance < 0 && -balance > account.balance) {
    debt += -balance - account.balance
    balance = -account.balance
  }
  if (debt < 0 && -debt > account.debt) {
    balance += -debt - account.debt
    debt = -account.debt
  }
  return { balance_change: balance, pending_change: pending, debt_change: debt }
}

/** The rules a saved version holds, without the row's bookkeeping. */
function rulesOf(row: InferTypeOf<typeof ProgramVersion>): ProgramRules {
  const { id, created_by, created_at, updated_at, deleted_at, ...rules } = row
  return rules
}

function emptySummary(orderId: string): OrderPointsSummary {
  return { order_id: orderId, earned: 0, released: 0, reversed: 0, pending: 0, redeemed: 0, restored: 0 }
}
