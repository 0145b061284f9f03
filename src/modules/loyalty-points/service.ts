import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId, InjectManager, InjectTransactionManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import { DueCursor, DuePage, dueIds, knexOf, LATEST_VERSION, newestFirst, oneOrNull, saveNextVersion, settingsInForce, settingsOf, SharedContext, transactionOf } from "../../lib/db"
import { CareRules, careRules, EndedReturnWindow } from "../../lib/care/rules"
import { PointsReleasedEventData } from "../../lib/shared/events"
import {
  AccountChange,
  allocateFirstExpiring,
  LotBack,
  LotTake,
  lotsToGiveBack,
  Movement,
  NO_ORDER_FIGURES,
  reversalMovement,
  lifetimeOf,
  revertMovement,
  splitReversal,
  balanceCredit,
  addChange,
  entryLeft,
  NO_CHANGE,
  pastAccountLimit,
} from "../../lib/points/ledger"
import { LiabilityFacts } from "../../lib/points/liability"
import { orderPointsCorrection } from "../../lib/points/order-points"
import { couponReplayProblem, UnfinishedCouponOutcome, unfinishedCouponOutcome } from "../../lib/rewards/rules"
import { preferencesPatch } from "../../lib/points/members"
import { LoyaltyPluginOptions, ProgramRules, rulesFromOptions, validateRules } from "../../lib/points/program"
import Account from "./models/account"
import Action from "./models/action"
import NotificationSetting from "./models/notification-setting"
import OrderFact from "./models/order-fact"
import Coupon from "./models/coupon"
import Entry from "./models/entry"
import Lot from "./models/lot"
import MemberImport from "./models/member-import"
import { EarlierImport, earlierImports } from "../../lib/imports/plan"
import ProgramVersion from "./models/program-version"
import Reward from "./models/reward"
import * as sql from "./sql"
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

/** What a posting writes, as `post_`'s `apply` says it: the entry's type and headline points, and how the account moves. */
type Posting = Partial<Omit<AccountChange, "movement">> & {
  type: LedgerEntry["type"]
  points: number
  movement: Movement
  release_at?: Date | null
  /** Merged into the entry's details (e.g. which lots a debit took). */
  details?: Record<string, unknown>
}

const WRITES = "Ledger writes"

/**
 * The points ledger. Every write locks the customer's account row, checks the
 * idempotency key under that lock, writes one immutable entry and moves the
 * cached figures and lots in the same transaction: the ledger invariants
 * (cached balance = ledger sum = open lots, never negative, one write per key)
 * hold across processes because Postgres enforces them, not memory. The rules
 * (lots first-expiring first, debt settled first, reversal splits, undoing
 * an entry, members' preferences) are the pure functions of `lib/points`.
 *
 * Reads and ordinary writes (program versions, rewards, actions, imports,
 * settings, account and entry lookups) are `MedusaService`'s generated
 * methods; the SQL that stays (the locked posting path, the conditional
 * updates of coupons, lots and imports, the set-based writes and the jobs'
 * and reports' reads) is in `./sql`.
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
  constructor(container: InjectedDependencies, protected readonly options_: LoyaltyPluginOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
  }

  // ---------------------------------------------------------------- program

  /** The rules in force: the latest saved version, else the plugin options. */
  @InjectManager()
  async getProgramRules(@MedusaContext() sharedContext: SharedContext = {}): Promise<ProgramRules> {
    return await settingsInForce<ProgramRules>(this.listProgramVersions({}, LATEST_VERSION, sharedContext), () => rulesFromOptions(this.options_))
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
    const row = await oneOrNull(this.listProgramVersions({ version }, { take: 1 }, sharedContext))
    if (!row) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Program version ${version} does not exist`)
    }
    return settingsOf(row)
  }

  /**
   * Save the program as a new version (`saveNextVersion`). Fields left out
   * keep their current value; the version number is taken under a table lock
   * so two admins saving at once get consecutive versions instead of a clash.
   */
  @InjectTransactionManager()
  async updateProgramRules(
    changes: Partial<Omit<ProgramRules, "version">>,
    createdBy: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ProgramRules> {
    return await saveNextVersion<ProgramRules>(sharedContext, "loyalty_program_version", WRITES, changes, {
      current: () => this.getProgramRules(sharedContext),
      problems: validateRules,
      create: (next) => this.createProgramVersions({ ...next, created_by: createdBy }, sharedContext),
    })
  }

  // ---------------------------------------------------------------- reads

  /** One page of an account's entries, newest first (`newestFirst`, off the (account_id, created_at, id) index). */
  @InjectManager()
  async listAccountEntries(
    accountId: string,
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ entries: LedgerEntry[]; has_more: boolean }> {
    const { rows, has_more } = await newestFirst((config) => this.listEntries({ account_id: accountId }, config, sharedContext), page)
    return { entries: rows, has_more }
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
    const facts = await sql.liabilityFacts(knexOf(sharedContext), input)
    return { now: input.now, window_months: input.window_months, ...facts }
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
    return await sql.ledgerPage(knexOf(sharedContext), input)
  }

  /** The next expiry on an account: the first day (UTC) lots expire, and how many points expire that day. */
  @InjectManager()
  async nextExpiry(
    accountId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ expires_at: Date; points: number } | null> {
    return await sql.nextExpiry(knexOf(sharedContext), accountId)
  }

  /** Earned, released, reversed and redeemed points per order, for order pages and reversals. */
  @InjectManager()
  async summarizeOrders(
    orderIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<OrderPointsSummary[]> {
    if (!orderIds.length) return []
    const rows = await sql.orderTotals(knexOf(sharedContext), orderIds)
    return orderIds.map((id) => rows.get(id) ?? { order_id: id, ...NO_ORDER_FIGURES })
  }

  /** The entry an order's earning was first written as (its rule version, rate and amounts), or null. */
  @InjectManager()
  async retrieveOrderEarning(
    orderId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LedgerEntry | null> {
    return await oneOrNull(this.listEntries({ idempotency_key: IdempotencyKeys.orderEarning(orderId), voided_at: null }, { take: 1 }, sharedContext))
  }

  /** The entries these orders' earnings were first written as (`retrieveOrderEarning` for a page), by order id. */
  @InjectManager()
  async listOrderEarnings(
    orderIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Map<string, LedgerEntry>> {
    if (!orderIds.length) return new Map()
    const found = await this.listEntries(
      { idempotency_key: orderIds.map(IdempotencyKeys.orderEarning), voided_at: null },
      { take: null },
      sharedContext
    )
    return new Map(found.flatMap((entry) => (entry.order_id ? [[entry.order_id, entry]] : [])))
  }

  /** Which of these orders have no earn entry yet: the release job's catch-up list. */
  @InjectManager()
  async ordersWithoutEarning(
    orderIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    const seen = new Set(await this.existingEntryKeys(orderIds.map(IdempotencyKeys.orderEarning), sharedContext))
    return orderIds.filter((id) => !seen.has(IdempotencyKeys.orderEarning(id)))
  }

  /** Which of these ledger keys are written (and not voided): one query for a batch. */
  @InjectManager()
  async existingEntryKeys(keys: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<string[]> {
    if (!keys.length) return []
    const found = await this.listEntries({ idempotency_key: keys, voided_at: null }, { select: ["idempotency_key"], take: null }, sharedContext)
    return found.map((row) => row.idempotency_key)
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
        // As every points event says it (pointsEventsFor): the referral check skips members never referred.
        referred: release.account.referred,
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
    return await sql.dueReleases(knexOf(sharedContext), now, after, limit)
  }

  /**
   * One page of orders whose return window ended in [since, until], with
   * their member, in keyset order (release date, entry): 0-point orders too,
   * which have nothing to release and so never announce a release. What the
   * daily pass reads for first-order bonuses never paid.
   */
  @InjectManager()
  async listEndedReturnWindows(
    window: { since: Date; until: Date },
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<EndedReturnWindow>> {
    return await sql.endedReturnWindows(knexOf(sharedContext), window, after, limit)
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
    return await dueIds(sharedContext, sql.releasesWritten(since, until), { at: "created_at", id: "id" }, { after, limit })
  }

  /** One page of lots past their expiry date that still hold points, in keyset order (expiry, id). */
  @InjectManager()
  async listExpiredLots(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueIds(sharedContext, sql.expiredLots(now), { at: "expires_at", id: "id" }, { after, limit })
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
      if (input.limit) await assertWithinLimit(trx, account.id, input, input.limit)
      return creditOf(input, await this.creditBalance_(trx, account, entryId, input.points, input.expires_at))
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
      return {
        type: input.type,
        details: await this.takeLots_(trx, account.id, input.points),
        points: -input.points,
        movement: { balance_change: -input.points, pending_change: 0, debt_change: 0 },
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
    assertEarned(input.points)
    return await this.post_(
      sharedContext,
      { ...input, idempotency_key: IdempotencyKeys.orderEarning(input.order_id ?? "") },
      async () => pendingPosting(input.points, input.release_at)
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
   * A page of awards at once (the earnings catch-up's page), each as
   * `recordOrderAward` writes it: the order's facts (`insertOrderFacts`, an
   * order that has them keeps them) and its `pending` entry under the key
   * `earn:order:<id>` (`postPage`: an order earned already, or given twice,
   * writes nothing and answers its first entry), in this one transaction (all
   * of the page or none of it). The facts go first, as one by one, so an
   * `order.placed` award of the same order, which writes its facts before it
   * locks its account, never waits on this page in a circle; that award takes
   * the same account lock and reads the key under it, so whichever writes
   * second writes nothing (the key's unique index backs that up).
   *
   * Orders whose customer's account is closed are returned in `deferred`
   * with nothing written for them: the per-order award refuses them as before.
   */
  @InjectTransactionManager()
  async recordOrderAwards(
    awards: { earning: OrderPendingPosting; facts: OrderFactInput | null }[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ results: PostingResult[]; fact_ids: string[]; deferred: string[] }> {
    if (!awards.length) return { results: [], fact_ids: [], deferred: [] }
    for (const { earning } of awards) {
      assertEarned(earning.points)
      if (!earning.order_id) throw new MedusaError(MedusaError.Types.INVALID_DATA, "An order's earning names its order")
    }
    const trx = transactionOf(sharedContext, WRITES)
    const closed = await sql.closedCustomers(trx, awards.map(({ earning }) => earning.customer_id))
    const mine = awards.filter(({ earning }) => !closed.has(earning.customer_id))
    const deferred = awards.filter(({ earning }) => closed.has(earning.customer_id)).map(({ earning }) => earning.order_id!)
    if (!mine.length) return { results: [], fact_ids: [], deferred }
    const fact_ids = await sql.insertOrderFacts(trx, mine.flatMap(({ facts }) => (facts ? [facts] : [])))
    const postings = mine.map(({ earning }) => ({ ...earning, idempotency_key: IdempotencyKeys.orderEarning(earning.order_id!) }))
    const results = await postPage(trx, postings, (_plan, posting) => pendingPosting(posting.points, posting.release_at))
    return { results, fact_ids, deferred }
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
    const earning = await sql.entryByKey(trx, IdempotencyKeys.orderEarning(input.order_id))
    return await this.post_(sharedContext, releaseBase(customerId, input.order_id, summary, earning), async (trx, account, entryId) =>
      releasePosting(summary, await this.creditBalance_(trx, account, entryId, summary.pending, input.expires_at, -summary.pending))
    )
  }

  /**
   * Release a page of orders at once, each as `releaseOrderPoints` releases
   * it: the same `release` entry per order (key `release:order:<id>`, reason,
   * rule version and currency of its earning, details, amount = what is left
   * pending), debt paid off first and the rest a lot expiring at `expiresAt`,
   * in the page's order (so a member in debt pays it off with their first
   * order of the page, as one by one). A few statements for the whole page
   * instead of a locked posting per order: the holders' accounts are locked in
   * customer order (the posting path's `lock_timeout`, `SKIP LOCKED`), the
   * page's order figures, used keys and earnings read under those locks, and
   * the entries, lots and accounts' figures written one statement each, in
   * this one transaction: all of the page or none of it.
   *
   * Orders with nothing left pending, released already, without entries or
   * whose holder's account is closed release nothing (as one by one). Orders
   * whose account another transaction holds right now are returned in
   * `deferred`, for the per-order release, which waits for the lock. A page
   * that would take an account past what it holds is refused whole, as one
   * posting is (`assertFits`): the release pass then releases its orders one
   * by one, and only that account's order is refused.
   */
  @InjectTransactionManager()
  async releaseOrders(
    orders: { order_id: string; customer_id: string }[],
    expiresAt: Date | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ results: PostingResult[]; deferred: string[] }> {
    const page = [...new Map(orders.map((order) => [order.order_id, order])).values()]
    if (!page.length) return { results: [], deferred: [] }
    const trx = transactionOf(sharedContext, WRITES)
    const orderIds = page.map((order) => order.order_id)
    const holders = await sql.orderHolders(trx, orderIds)
    // An order is released on the account its points are in (`lockOrderAccount_`); one without entries has nothing.
    const holderOf = new Map(page.flatMap((order) => (holders.has(order.order_id) ? [[order.order_id, holders.get(order.order_id)!]] : [])))
    const customers = [...new Set(holderOf.values())].sort()
    if (!customers.length) return { results: [], deferred: [] }
    const open = new Set((await sql.openAccountsOf(trx, customers)).map((account) => account.customer_id))
    const locked = new Map((await sql.lockAccountsSkipLocked(trx, customers)).map((account) => [account.customer_id, account]))
    const deferred = orderIds.filter((id) => holderOf.has(id) && open.has(holderOf.get(id)!) && !locked.has(holderOf.get(id)!))
    const mine = orderIds.filter((id) => locked.has(holderOf.get(id) ?? ""))
    if (!mine.length) return { results: [], deferred }

    // Under the locks: what each order stands at, which were released already, and what they earned with.
    const summaries = await sql.orderTotals(trx, mine)
    const used = await sql.usedKeys(trx, mine.map(IdempotencyKeys.orderRelease))
    const earnings = await sql.entriesByKeys(trx, mine.map(IdempotencyKeys.orderEarning))
    const plan = new PagePlan([...locked.values()])
    for (const orderId of mine) {
      const summary = summaries.get(orderId)
      if (!summary || summary.pending <= 0 || used.has(IdempotencyKeys.orderRelease(orderId))) continue
      const account = locked.get(holderOf.get(orderId)!)!
      const entryId = generateEntityId(undefined, "lent")
      const movement = plan.credit(account.id, entryId, summary.pending, expiresAt, -summary.pending)
      const earning = earnings.get(IdempotencyKeys.orderEarning(orderId))
      plan.add(releaseBase(account.customer_id, orderId, summary, earning), account.id, entryId, releasePosting(summary, movement))
    }
    if (!plan.entries.length) return { results: [], deferred }
    plan.assertFits([...locked.values()])
    const { entries, accounts } = await plan.write(trx)
    return {
      results: plan.entries.map((entry) => ({ entry: entries.get(entry.id)!, account: accounts.get(entry.account_id)!, created: true })),
      deferred,
    }
  }

  /**
   * Bring what an order stands at in points to `target` (all of it reversed
   * when canceled), posting one entry for the difference. Down: taken from the
   * order's pending points, then the balance, then recorded as debt. Up: more
   * pending points while the order waits for its return window, or points on
   * the balance (a lot) once it has been released. Points of the order that
   * expired unused in its own lots are gone already and are not taken again
   * (`orderPointsCorrection`, from the order's `expired` figures). The key
   * counts the order's entries, so it is unique per change and the same
   * change, redelivered, finds nothing left to post.
   */
  @InjectTransactionManager()
  async reverseOrderPoints(
    input: OrderReversalInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const locked = await this.lockOrderAccount_(sharedContext, input)
    if (!locked) return null
    const { trx, customerId, summary } = locked
    const earning = await sql.entryByKey(trx, IdempotencyKeys.orderEarning(input.order_id))
    if (!earning) return null
    if (!input.canceled && input.target === undefined) return null
    const standing = summary.earned - summary.reversed
    const target = input.canceled ? 0 : Math.max(input.target ?? 0, 0)
    const points = orderPointsCorrection(summary, target)
    if (points === 0) return null
    const count = await sql.countOrderEntries(trx, input.order_id)

    return await this.post_(
      sharedContext,
      {
        ...orderPosting(
          customerId,
          input.order_id,
          IdempotencyKeys.orderCorrection(input.order_id, points < 0 ? "reverse" : "earn", count),
          input.reason
        ),
        program_version: earning.program_version,
        currency_code: earning.currency_code,
        details: {
          ...(input.details ?? {}),
          canceled: input.canceled,
          earned_before: standing,
          target,
          ...(summary.expired > 0 ? { expired_before: summary.expired } : {}),
        },
      },
      async (trx, account, entryId) => {
        if (points > 0) {
          // Still in its return window: more pending, released with the rest.
          if (summary.released === 0) return pendingPosting(points, earning.release_at)
          return {
            type: "earn",
            points,
            movement: await this.creditBalance_(trx, account, entryId, points, input.expires_at ?? null),
            lifetime_earned: points,
          }
        }
        return await this.reverse_(trx, account, -points, summary.pending, input.order_id)
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
    return await sql.attachCartEntries(transactionOf(sharedContext, WRITES), cartId, orderId)
  }

  /**
   * Give back points spent on an order up to `target`: all of them on
   * cancel, the value by which the order shrank on a return or change
   * (`orderPointsTargets`). Points given back are never taken again; the key
   * names the level reached, so any number of triggers restore each point once.
   * They return to the expiries of the lots the order's redemptions took, in
   * the order taken (after those given back before, debt paid off first);
   * `expires_at` only dates points spent before lots were recorded.
   */
  @InjectTransactionManager()
  async restoreOrderRedemption(
    input: OrderRestoreInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const locked = await this.lockOrderAccount_(sharedContext, input)
    if (!locked) return null
    const { customerId, summary } = locked
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
        // Back to the dates the spent points had, not a fresh lot: restoring must not extend their life.
        const movement = balanceCredit(account.debt, points)
        const taken = await sql.orderRedemptionLots(trx, input.order_id)
        const paidOffDebt = points - movement.balance_change
        const lots = lotsToGiveBack(taken, movement.balance_change, {
          skip: summary.restored + paidOffDebt,
          unrecorded_expires_at: input.expires_at,
        })
        await this.giveBackLots_(trx, account.id, entryId, lots)
        return { type: "restore", points, movement, lifetime_redeemed: -points }
      }
    )
  }

  /**
   * Take back a credit whose reason went away (feedback points of an order
   * that was canceled): a `reverse` entry for what is left of the credit
   * (`points`: at most that many), from the balance first-expiring lots
   * first, the rest as debt. It hits the account that received the credit,
   * whoever owns the order now. The credit and what earlier take-backs or an
   * undo left of it are read under the account's lock, the lock an undo of
   * the credit (`revertEntry`) takes too: the two never take the same points.
   * Null when there is no effective credit under `creditKey` or nothing is
   * left of it; keyed, so it happens once.
   */
  @InjectTransactionManager()
  async takeBackCredit(
    input: { credit_key: string; idempotency_key: string; reason: string; points?: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    if (input.points !== undefined) assertPositive(input.points)
    const trx = transactionOf(sharedContext, WRITES)
    const found = await sql.heldEntry(trx, { idempotency_key: input.credit_key })
    if (!found || found.points <= 0) return null
    if (await sql.accountClosed(trx, found.customer_id)) return null
    const account = await sql.lockAccount(trx, found.customer_id)
    const taken = await sql.entryByKey(trx, input.idempotency_key)
    if (taken) return { entry: taken, account, created: false }
    // Under the lock: an undo may have voided the credit, or taken part of it, since it was found.
    const credit = await sql.heldEntry(trx, { idempotency_key: input.credit_key })
    if (!credit || credit.customer_id !== found.customer_id) return null
    const left = entryLeft(credit, await sql.takenBackPoints(trx, credit.account_id, credit.id))
    const points = Math.min(left?.points ?? 0, input.points ?? Infinity)
    if (points <= 0) return null
    return await this.post_(
      sharedContext,
      {
        customer_id: credit.customer_id,
        idempotency_key: input.idempotency_key,
        reason: input.reason,
        order_id: credit.order_id,
        reference_type: credit.reference_type,
        reference_id: credit.reference_id,
        program_version: credit.program_version,
        details: { taken_back_entry: credit.id },
      },
      async (trx, account) => await this.reverse_(trx, account, points, 0)
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
    if (!(await sql.openAccount(trx, customerId))) return []
    const account = await sql.lockAccount(trx, customerId)
    const results: PostingResult[] = []
    for (const order of await sql.pendingOrders(trx, account.id)) {
      const forfeit = closurePosting(customerId, "Customer deleted: pending points forfeited", order.order_id)
      results.push(
        await this.post_(sharedContext, forfeit, async (_trx, current) => {
          const pending = Math.min(order.pending, current.pending)
          return { type: "expire", points: -pending, movement: { balance_change: 0, pending_change: -pending, debt_change: 0 } }
        })
      )
    }
    const rest = await sql.lockAccount(trx, customerId)
    if (rest.balance > 0 || rest.pending > 0 || rest.debt > 0) {
      const forfeit = {
        ...closurePosting(customerId, "Customer deleted: points forfeited"),
        details: { balance: rest.balance, pending: rest.pending, debt_written_off: rest.debt },
      }
      results.push(
        await this.post_(sharedContext, forfeit, async (trx, current) => ({
          type: "expire",
          details: await this.takeLots_(trx, current.id, current.balance),
          points: -(current.balance + current.pending),
          movement: { balance_change: -current.balance, pending_change: -current.pending, debt_change: -current.debt },
        }))
      )
    }
    await sql.closeAccountRow(trx, account.id)
    return results
  }

  /** Undo `closeAccount` (a compensation): the account is open again and its forfeits are reverted. */
  @InjectTransactionManager()
  async reopenAccount(
    customerId: string,
    entryIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    await sql.reopenAccountRow(transactionOf(sharedContext, WRITES), customerId)
    await this.revertEntries(entryIds, "Account closing rolled back", sharedContext)
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
    const customerId = await sql.lotHolder(trx, lotId)
    if (!customerId) return null
    await sql.lockAccount(trx, customerId)
    const lot = await sql.lockLot(trx, lotId)
    if (!lot || lot.remaining <= 0 || !lot.expires_at || new Date(lot.expires_at) > now) {
      return null
    }
    const expiry = lotExpiry({ ...lot, expires_at: lot.expires_at })
    return await this.post_(sharedContext, { ...expiry.base, customer_id: customerId }, async (trx) => {
      await sql.emptyLot(trx, lotId)
      return expiry.posting
    })
  }

  /**
   * Empty a page of expired lots at once, as `expireLot` empties each: the
   * same `expire` entry per lot (same key, reason, details and amount, what
   * is left of the lot), in the page's order. A few statements for the whole
   * page instead of a locked posting per lot: the page's accounts are locked
   * (customer order, the posting path's `lock_timeout`), then their lots that
   * are still due and not expired under their key yet are read and locked,
   * and the entries, the emptied lots and the accounts' balances are written
   * one statement each, in this one transaction. A lot that a checkout spent
   * meanwhile expires what is left of it; one already expired is skipped.
   */
  @InjectTransactionManager()
  async expireLots(
    lotIds: string[],
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult[]> {
    if (!lotIds.length) return []
    const trx = transactionOf(sharedContext, WRITES)
    const accounts = await sql.lockLotAccounts(trx, lotIds)
    if (!accounts.length) return []
    const due = await sql.lockDueLots(trx, { lot_ids: lotIds, account_ids: accounts.map((a) => a.id), now })
    const used = await sql.usedKeys(trx, due.map((lot) => IdempotencyKeys.lotExpiry(lot.id)))
    const position = new Map(lotIds.map((id, i) => [id, i]))
    const lots = due
      .filter((lot) => !used.has(IdempotencyKeys.lotExpiry(lot.id)))
      .sort((a, b) => position.get(a.id)! - position.get(b.id)!)
    if (!lots.length) return []
    const planned = lots.map((lot) => {
      const expiry = lotExpiry(lot)
      return entryRow(expiry.base, generateEntityId(undefined, "lent"), lot.account_id, expiry.posting)
    })
    const written = new Map((await sql.insertEntries(trx, planned)).map((entry) => [entry.id, entry]))
    await sql.emptyLots(trx, lots.map((lot) => lot.id))
    const changes = new Map<string, number>()
    for (const lot of lots) changes.set(lot.account_id, (changes.get(lot.account_id) ?? 0) - lot.remaining)
    const moved = await sql.moveBalances(trx, [...changes].map(([account_id, balance_change]) => ({ account_id, balance_change })))
    const accountById = new Map(moved.map((account) => [account.id, account]))
    return planned.map((entry) => ({ entry: written.get(entry.id)!, account: accountById.get(entry.account_id)!, created: true }))
  }

  /**
   * Undo the entries a batch step wrote (its compensation), each as
   * `revertEntry` undoes one, in one transaction: the batch is undone whole
   * or not at all. The accounts are taken in customer order, the order every
   * write that locks several accounts takes them in; one customer's entries
   * are undone in the order given. Entries that do not exist are skipped.
   */
  @InjectTransactionManager()
  async revertEntries(
    entryIds: string[],
    reason: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult[]> {
    if (!entryIds.length) return []
    const holders = new Map(
      (await sql.entryHolders(transactionOf(sharedContext, WRITES), entryIds)).map((row) => [row.id, row.customer_id])
    )
    const inLockOrder = entryIds
      .flatMap((id, index) => {
        const customerId = holders.get(id)
        return customerId ? [{ id, index, customer_id: customerId }] : []
      })
      .sort((a, b) => (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : a.index - b.index))
    const results: PostingResult[] = []
    for (const { id } of inLockOrder) {
      const result = await this.revertEntry(id, reason, sharedContext)
      if (result) results.push(result)
    }
    return results
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
   *
   * A credit that another flow took back meanwhile (`takeBackCredit`: the
   * feedback points or referral rewards of a canceled order) is undone only
   * as far as it is left (`entryLeft`), read under the account's lock that
   * every take-back takes too: part of it taken back, the rest is undone;
   * all of it, nothing is written and the answer is null. Such a credit
   * stays effective with its key, which its take-back refers to: a retried
   * workflow finds it posted and does not pay it again. Null too when the
   * entry does not exist.
   */
  @InjectTransactionManager()
  async revertEntry(
    entryId: string,
    reason: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult | null> {
    const trx = transactionOf(sharedContext, WRITES)
    const entry = await sql.heldEntry(trx, { id: entryId })
    if (!entry) return null
    const key = IdempotencyKeys.entryRevert(entryId)
    const account = await sql.lockAccount(trx, entry.customer_id)
    const reverted = await sql.entryByKey(trx, key)
    if (reverted) return { entry: reverted, account, created: false }
    // Only credits are taken back (`takeBackCredit`): a debit is undone whole.
    const takenBack = entry.points > 0 ? await sql.takenBackPoints(trx, entry.account_id, entryId) : 0
    const left = entryLeft(entry, takenBack)
    if (!left) return null
    const result = await this.post_(
      sharedContext,
      {
        customer_id: entry.customer_id,
        idempotency_key: key,
        reason,
        order_id: entry.order_id,
        reference_type: ReferenceTypes.ENTRY,
        reference_id: entryId,
        program_version: entry.program_version,
        currency_code: entry.currency_code,
        details: { reverted_entry: entryId, reverted_type: entry.type, ...(takenBack ? { taken_back_before: -takenBack } : {}) },
      },
      async (trx, account, newEntryId) => {
        const movement = revertMovement(left, account)
        if (movement.balance_change < 0) {
          await this.consumeLots_(trx, account.id, -movement.balance_change)
        } else if (movement.balance_change > 0) {
          const taken = Array.isArray(entry.details?.lots) ? (entry.details.lots as LotTake[]) : []
          await this.giveBackLots_(trx, account.id, newEntryId, lotsToGiveBack(taken, movement.balance_change))
        }
        return {
          type: left.balance_change < 0 ? "restore" : "adjust",
          points: -left.points,
          movement,
          // The lifetime counters as if the entry (what is left of it) never was (not clamped like the movement).
          lifetime_earned: -lifetimeOf(left).lifetime_earned,
          lifetime_redeemed: -lifetimeOf(left).lifetime_redeemed,
        }
      }
    )
    // Taken back in part: the credit stands, with the key its take-back refers to.
    if (!takenBack) await sql.voidEntry(trx, entryId)
    return result
  }

  /**
   * Reserve a coupon purchase under the customer's account lock: a retried
   * request (same key) gets the first coupon back once that purchase is
   * finished, and otherwise a clear refusal, never another coupon
   * (`couponReplayProblem`): a 400 when the key was sent for another reward
   * or that purchase died and was settled, a 409 while it is still running.
   * The per-customer limit holds even when purchases race.
   */
  @InjectTransactionManager()
  async reserveCoupon(
    input: CouponReservation,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ coupon: CouponRecord; created: boolean }> {
    const trx = transactionOf(sharedContext, WRITES)
    await sql.lockAccount(trx, input.customer_id)
    const existing = await sql.couponByKey(trx, input.idempotency_key)
    if (existing) {
      const problem = couponReplayProblem(existing, input)
      if (problem) {
        // A 409 is Medusa's "retry with the same key" (its handler replaces the message): only for a purchase still running.
        throw new MedusaError(problem.reason === "running" ? MedusaError.Types.CONFLICT : MedusaError.Types.NOT_ALLOWED, problem.message)
      }
      return { coupon: existing, created: false }
    }
    if (input.per_customer_limit !== null && (await sql.countCoupons(trx, input.customer_id, input.reward_id)) >= input.per_customer_limit) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `You already have the maximum of ${input.per_customer_limit} coupon(s) for this reward`
      )
    }
    return { coupon: await sql.insertCoupon(trx, input), created: true }
  }

  /**
   * Tie a coupon to the entry that paid for it and the promotion that
   * enforces it: the purchase's last write. Refused (409) when the expiry
   * pass settled the purchase meanwhile (it took too long and its points were
   * given back), so the purchase's compensation removes its promotion and
   * the coupon is never both refunded and usable.
   */
  @InjectTransactionManager()
  async finishCoupon(
    input: { id: string; entry_id: string; promotion_id: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CouponRecord> {
    const row = await sql.finishCoupon(transactionOf(sharedContext, WRITES), input)
    if (!row) {
      throw new MedusaError(MedusaError.Types.CONFLICT, `Coupon ${input.id} was settled before its purchase finished: buy it again`)
    }
    return row
  }

  /** One page of coupons whose purchase died part-way (no promotion, created at or before `cutoff`), in keyset order (created_at, id). */
  @InjectManager()
  async listUnfinishedCoupons(
    cutoff: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueIds(sharedContext, sql.unfinishedCoupons(cutoff), { at: "created_at", id: "id" }, { after, limit })
  }

  /**
   * Settle one purchase that died part-way, in one transaction under the
   * coupon's row lock, by what it reached (`unfinishedCouponOutcome`):
   * paid and promoted (`promotion_id`: Medusa's promotion under its code,
   * read by the caller) → tied to both, as the purchase would have; paid
   * only → its debit reverted (`revertEntry`, keyed by the entry, so this
   * and the purchase's own compensation give the points back once between
   * them) and the coupon dropped; not paid → dropped. A promotion nobody
   * paid for is left to the caller to remove first (`remove_promotion`,
   * nothing written). Null when the coupon is not unfinished as of `cutoff`
   * (finished or settled meanwhile).
   */
  @InjectTransactionManager()
  async settleUnfinishedCoupon(
    couponId: string,
    options: { cutoff: Date; promotion_id: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ outcome: UnfinishedCouponOutcome; refund: PostingResult | null } | null> {
    const trx = transactionOf(sharedContext, WRITES)
    const coupon = await sql.lockUnfinishedCoupon(trx, couponId, options.cutoff)
    if (!coupon) return null
    const debit = await sql.heldEntry(trx, { idempotency_key: IdempotencyKeys.couponRedemption(coupon.id) })
    const outcome = unfinishedCouponOutcome({ debited: !!debit, promoted: !!options.promotion_id })
    if (outcome === "finish" && debit && options.promotion_id) {
      await sql.finishCoupon(trx, { id: coupon.id, entry_id: debit.id, promotion_id: options.promotion_id })
      return { outcome, refund: null }
    }
    if (outcome === "remove_promotion") return { outcome, refund: null }
    const refund = debit ? await this.revertEntry(debit.id, `Coupon ${coupon.code}: the purchase did not complete, points returned`, sharedContext) : null
    await sql.dropCoupon(trx, coupon.id)
    return { outcome, refund }
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
    return await sql.claimCoupons(transactionOf(sharedContext, WRITES), couponIds, cartId, now)
  }

  /**
   * A checkout that held coupons did not complete: let go of them, and open
   * again, in the same transaction, those the expiry pass closed meanwhile
   * (it refunds nothing on a held coupon). Such a coupon is past its date, so
   * no checkout can claim it, and the next expiry pass closes and refunds it
   * (`settleExpiredCoupon`) even if whatever comes after this fails. Returns
   * those, as they were before (closed), so the caller can settle them now.
   */
  @InjectTransactionManager()
  async releaseCouponClaims(
    couponIds: string[],
    cartId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CouponRecord[]> {
    if (!couponIds.length) return []
    const rows = await sql.releaseCouponClaims(transactionOf(sharedContext, WRITES), couponIds, cartId)
    return rows.filter((row) => row.expired_at !== null)
  }

  /** One page of open coupons past their date, in keyset order (expiry, id): finished purchases only (unfinished ones: `listUnfinishedCoupons`). */
  @InjectManager()
  async listExpiredCoupons(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueIds(sharedContext, sql.expiredCoupons(now), { at: "expires_at", id: "id" }, { after, limit })
  }

  /**
   * Close an expired coupon, once, and refund it in the same transaction
   * when it may be: bought refundable (`refund_on_expiry`), paid for, not
   * held by a checkout (no checkout can claim it once closed) and its
   * promotion unused (`promotion_unused`, Medusa's, read by the caller). A
   * refund that fails takes the closing back with it: the coupon stays open
   * and the next pass settles it, so no coupon is left closed unrefunded.
   * `forfeited`: not refunded, its owner's account is closed (`refundCoupon`).
   */
  @InjectTransactionManager()
  async settleExpiredCoupon(
    couponId: string,
    now: Date,
    options: { promotion_unused: boolean; unrecorded_expires_at: Date | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ closed: boolean; held: boolean; refunded: boolean; forfeited: boolean }> {
    const row = await sql.closeCoupon(transactionOf(sharedContext, WRITES), couponId, now)
    const settled = { closed: !!row, held: !!row?.claimed_cart_id, refunded: false, forfeited: false }
    if (!row || row.claimed_cart_id || !row.refund_on_expiry || !row.entry_id || !options.promotion_unused) return settled
    const { result, forfeited } = await this.refundCoupon(row, { unrecorded_expires_at: options.unrecorded_expires_at }, sharedContext)
    return { ...settled, refunded: !!result?.created, forfeited }
  }

  /**
   * Give an unused coupon's points back, keyed by the coupon
   * (`refund:coupon:<id>`), as a restore gives back spent points: to the
   * expiries of the lots its purchase took (`details.lots` of its debit,
   * `entry_id`), not a fresh lot, so buying a coupon and letting it lapse
   * never lengthens the points' life; a date already past comes back as it
   * is and the next expiry run takes it. Debt is paid off first, with the
   * first-expiring of those points. `unrecorded_expires_at` dates points
   * whose debit recorded no lots. A coupon whose owner's account was closed
   * is not refunded: its points were forfeited with the account (`forfeited`).
   * `reason` says why when it is not the coupon's expiry (the order that used
   * it was canceled: `canceled_order_id`, in the entry's details, not its
   * `order_id`, which would count it among that order's own points); the
   * key is the same, so a coupon is refunded once whatever asks.
   */
  @InjectTransactionManager()
  async refundCoupon(
    coupon: Pick<CouponRecord, "id" | "code" | "customer_id" | "entry_id" | "points_spent">,
    options: { unrecorded_expires_at: Date | null; reason?: string; canceled_order_id?: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ result: PostingResult | null; forfeited: boolean }> {
    const unrecordedExpiresAt = options.unrecorded_expires_at
    const trx = transactionOf(sharedContext, WRITES)
    if (await sql.accountClosed(trx, coupon.customer_id)) return { result: null, forfeited: true }
    const paid = coupon.entry_id ? await sql.heldEntry(trx, { id: coupon.entry_id }) : undefined
    const taken = Array.isArray(paid?.details?.lots) ? (paid.details.lots as LotTake[]) : []
    const points = coupon.points_spent
    const result = await this.post_(
      sharedContext,
      {
        customer_id: coupon.customer_id,
        idempotency_key: IdempotencyKeys.couponRefund(coupon.id),
        reason: options.reason ?? `Coupon ${coupon.code} expired unused: points returned`,
        reference_type: ReferenceTypes.COUPON,
        reference_id: coupon.id,
        currency_code: paid?.currency_code ?? null,
        details: { refunded_entry: coupon.entry_id, ...(options.canceled_order_id ? { canceled_order_id: options.canceled_order_id } : {}) },
      },
      async (trx, account, entryId) => {
        const movement = balanceCredit(account.debt, points)
        const lots = lotsToGiveBack(taken, movement.balance_change, {
          skip: points - movement.balance_change,
          unrecorded_expires_at: unrecordedExpiresAt,
        })
        await this.giveBackLots_(trx, account.id, entryId, lots)
        return { type: "restore", points, movement, lifetime_redeemed: -points }
      }
    )
    return { result, forfeited: false }
  }

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
    const account = await sql.lockAccount(trx, customerId)
    if (!account.referred) {
      await sql.updateAccount(trx, account.id, { referred: true })
    }
  }

  /**
   * A shopper's birthday and notifications opt-out (`preferencesPatch`: the
   * birthday is set once, staff can correct it). Writes under the account's
   * lock, creating the account if needed.
   */
  @InjectTransactionManager()
  async updateMemberPreferences(
    input: MemberPreferencesInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LoyaltyAccount> {
    const trx = transactionOf(sharedContext, WRITES)
    const account = await sql.lockAccount(trx, input.customer_id)
    const change = preferencesPatch(account, input)
    if ("refused" in change) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, change.refused)
    }
    if (!Object.keys(change.patch).length) return account
    return await sql.updateAccount(trx, account.id, change.patch)
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
    return await sql.birthdayMembers(knexOf(sharedContext), input)
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
    return await sql.claimExpiringLots(transactionOf(sharedContext, WRITES), input)
  }

  /** Undo `claimExpiringLots` (its workflow failed before the reminders went out). */
  @InjectTransactionManager()
  async unclaimExpiringLots(
    input: { lot_ids: string[]; claimed_at: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    if (!input.lot_ids.length) return
    await sql.unclaimExpiringLots(transactionOf(sharedContext, WRITES), input)
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
    return await sql.eraseMemberData(transactionOf(sharedContext, WRITES), input)
  }

  // ---------------------------------------------------------------- member import

  /**
   * Credit a batch of imported rows in one transaction, each through
   * `creditPoints` (the account's lock, the key checked under it, one entry
   * and one lot). Accounts are locked in customer-id order so two batches
   * never wait on each other in a circle. Keys already written come back with
   * `created: false`. Unless the run repeats members, each member's earlier
   * imports are read again under their account's lock, before the first
   * credit: of two runs of different keys racing for one member (two copies
   * of a file uploaded at once), the second finds the first's entries and
   * skips the member (`earlier`), as its plan would have.
   */
  @InjectTransactionManager()
  async creditImportedPoints(
    input: { postings: CreditPosting[]; import_key: string; repeat_members: boolean },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ entry_id: string | null; idempotency_key: string; created: boolean; earlier: EarlierImport | null }[]> {
    const trx = transactionOf(sharedContext, WRITES)
    const prefix = IdempotencyKeys.memberImportPrefix(input.import_key)
    const results: { entry_id: string | null; idempotency_key: string; created: boolean; earlier: EarlierImport | null }[] = []
    let checked: string | null = null
    let earlier: EarlierImport | null = null
    for (const posting of byCustomer(input.postings)) {
      if (!input.repeat_members && posting.customer_id !== checked) {
        checked = posting.customer_id
        await sql.lockAccount(trx, posting.customer_id)
        earlier = earlierImports(await sql.importCredits(trx, [posting.customer_id], prefix)).get(posting.customer_id) ?? null
      }
      if (earlier) {
        results.push({ entry_id: null, idempotency_key: posting.idempotency_key, created: false, earlier })
        continue
      }
      const result = await this.creditPoints(posting, sharedContext)
      results.push({ entry_id: result.entry.id, idempotency_key: posting.idempotency_key, created: result.created, earlier: null })
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
    return await sql.insertOrderFacts(transactionOf(sharedContext, "Order facts"), facts)
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
    for (const { customer_id, month, day } of byCustomer(input.birthdays)) {
      const account = await sql.lockAccount(trx, customer_id)
      if (account.birthday_month != null) continue
      await sql.updateAccount(trx, account.id, { birthday_month: month, birthday_day: day, birthday_set_at: input.now })
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
    await sql.clearBirthdays(transactionOf(sharedContext, WRITES), input.customer_ids, input.set_at)
  }

  /**
   * The members among `customerIds` that an earlier import credited under
   * another key, and none under `importKey` (see `earlierImports`): one
   * grouped read of the ledger's import entries for a batch. What lets a
   * changed copy of an imported file (another hash, so other row keys) skip
   * the members it would otherwise pay twice.
   */
  @InjectManager()
  async earlierImportCredits(
    input: { customer_ids: string[]; import_key: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Map<string, EarlierImport>> {
    const rows = await sql.importCredits(knexOf(sharedContext), input.customer_ids, IdempotencyKeys.memberImportPrefix(input.import_key))
    return earlierImports(rows)
  }

  /**
   * Set the key of a run that was created without one: the SHA-256 of the
   * content uploaded, computed by the server (`runMemberImport`). Only while
   * the run has no key, so a key is never changed once rows may use it.
   */
  @InjectTransactionManager()
  async setMemberImportKey(input: { id: string; import_key: string }, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const updated = await transactionOf(sharedContext, WRITES)("loyalty_member_import")
      .where({ id: input.id })
      .whereNull("import_key")
      .whereNull("deleted_at")
      .update({ import_key: input.import_key, updated_at: new Date() })
    if (!updated) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Import ${input.id} has its key already: the key of a run never changes`)
    }
  }

  /**
   * Claim an import run for processing: `created` → `running` in one
   * conditional update, so a file is read once per run even when two uploads
   * race. Refused when the run already ran.
   */
  @InjectTransactionManager()
  async startMemberImport(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const start = await sql.startMemberImport(transactionOf(sharedContext, WRITES), id)
    if (start.started) return
    if (!start.status) throw importNotFound(id)
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Import ${id} is ${start.status}: a file is read once per import, create a new import to read it again`
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
    if (!(await sql.addMemberImportProgress(transactionOf(sharedContext, WRITES), input))) throw importNotFound(input.id)
  }

  // ---------------------------------------------------------------- the posting path

  /**
   * The one write path: lock the account, honour the idempotency key, let
   * `apply` move lots and say how the figures change, refuse a change past
   * what an account holds (`assertFits`), then write the entry and the cached
   * figures. The database's checks (balance, pending, debt ≥ 0; unique key)
   * back every rule up.
   */
  protected async post_(
    sharedContext: SharedContext,
    base: PostingBase,
    apply: (trx: Knex.Transaction, account: LoyaltyAccount, entryId: string) => Promise<Posting>
  ): Promise<PostingResult> {
    const trx = transactionOf(sharedContext, WRITES)
    const account = await sql.lockAccount(trx, base.customer_id)
    const existing = await sql.entryByKey(trx, base.idempotency_key)
    if (existing) {
      return { entry: existing, account, created: false }
    }
    const entryId = generateEntityId(undefined, "lent")
    const change = await apply(trx, account, entryId)
    const accountChange: AccountChange = {
      movement: change.movement,
      lifetime_earned: change.lifetime_earned ?? 0,
      lifetime_redeemed: change.lifetime_redeemed ?? 0,
    }
    // Refused before the write (the transaction takes back what `apply` did), not by Postgres' integer overflow.
    assertFits(account, accountChange, change.points)
    const entry = await sql.insertEntry(trx, entryRow(base, entryId, account.id, change))
    const updated = await sql.moveAccount(trx, account.id, accountChange)
    return { entry, account: updated, created: true }
  }

  /**
   * Lock the account that holds an order's points and read what the order
   * stands at under that lock; null when there is nothing to do: the order
   * has no points (a guest's, say: no lock, so no account is opened) or its
   * holder's account was closed (their points were forfeited with it). An
   * order transferred to another customer is reversed, restored and released
   * on the account its points are in (`sql.orderHolder`).
   */
  protected async lockOrderAccount_(
    sharedContext: SharedContext,
    input: { order_id: string; customer_id: string }
  ): Promise<{ trx: Knex.Transaction; customerId: string; summary: OrderPointsSummary } | null> {
    const trx = transactionOf(sharedContext, WRITES)
    if (!(await sql.orderTotals(trx, [input.order_id])).has(input.order_id)) return null
    const customerId = (await sql.orderHolder(trx, input.order_id)) ?? input.customer_id
    if (await sql.accountClosed(trx, customerId)) return null
    await sql.lockAccount(trx, customerId)
    const summary = (await sql.orderTotals(trx, [input.order_id])).get(input.order_id)
    return summary ? { trx, customerId, summary } : null
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
    const movement = balanceCredit(account.debt, points, pendingChange)
    if (movement.balance_change > 0) {
      await sql.insertLot(trx, { account_id: account.id, entry_id: entryId, points: movement.balance_change, expires_at: expiresAt })
    }
    return movement
  }

  /**
   * Write the lots that give points back to the dates they had
   * (`lotsToGiveBack`), for one entry, in one statement. Caller holds the
   * account lock.
   */
  protected async giveBackLots_(
    trx: Knex.Transaction,
    accountId: string,
    entryId: string,
    lots: LotBack[]
  ): Promise<void> {
    await sql.insertLots(
      trx,
      lots.map((lot) => ({ account_id: accountId, entry_id: entryId, ...lot }))
    )
  }

  /**
   * A `reverse` posting of `points`: out of the order's `pending` first, then
   * the balance, the rest recorded as debt. From the balance, an order's
   * reversal takes the order's own lots first (`orderId`: the points it takes
   * back are those, while the member still has them), then first-expiring
   * lots. So the order's own lots hold what is left of its points, and what
   * of them expires is the order's (`orderPointsCorrection`): a reversal
   * that took another order's lot instead would leave that order's points to
   * be taken again after its own lot expired. Points taken back no longer
   * count as earned, pending ones aside.
   */
  protected async reverse_(
    trx: Knex.Transaction,
    account: LoyaltyAccount,
    points: number,
    pending: number,
    orderId: string | null = null
  ): Promise<Posting> {
    const split = splitReversal(points, pending, account.balance)
    const own = orderId && split.from_balance > 0 ? new Set(await sql.orderOwnLots(trx, account.id, orderId)) : undefined
    return {
      type: "reverse",
      details: await this.takeLots_(trx, account.id, split.from_balance, own),
      points: -points,
      movement: reversalMovement(split),
      lifetime_earned: -(split.from_balance + split.to_debt),
    }
  }

  /** `consumeLots_` as an entry's details (`{ lots }`), none when no points are taken. */
  protected async takeLots_(
    trx: Knex.Transaction,
    accountId: string,
    points: number,
    first?: ReadonlySet<string>
  ): Promise<{ lots: LotTake[] } | undefined> {
    return points > 0 ? { lots: await this.consumeLots_(trx, accountId, points, first) } : undefined
  }

  /**
   * Take points from the account's open lots, first-expiring first (the lots
   * in `first` before the others), and say what was taken from which lot
   * (with its expiry). Caller holds the account lock.
   */
  protected async consumeLots_(trx: Knex.Transaction, accountId: string, points: number, first?: ReadonlySet<string>): Promise<LotTake[]> {
    const lots = (await sql.openLots(trx, accountId)).map((lot) => ({
      ...lot,
      expires_at: lot.expires_at ? new Date(lot.expires_at) : null,
    }))
    const { takes, uncovered } = allocateFirstExpiring(lots, points, first)
    if (uncovered > 0) {
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Account ${accountId} lots hold ${points - uncovered} points, fewer than its balance says`
      )
    }
    const expiries = new Map(lots.map((lot) => [lot.id, lot.expires_at?.toISOString() ?? null]))
    for (const take of takes) {
      await sql.takeFromLot(trx, take.lot_id, take.points)
    }
    return takes.map((take) => ({ ...take, expires_at: expiries.get(take.lot_id) ?? null }))
  }

  /**
   * Credit many accounts at once, as `creditPoints` credits each, in the
   * order given (`postPage`: the same entries, lots and account figures in a
   * few statements for the whole batch instead of a locked posting each): the
   * repair pass's page of referral rewards. Postings with a per-customer
   * `limit` are refused: the limit is counted per posting by `creditPoints`.
   */
  @InjectTransactionManager()
  async creditPointsBatch(
    postings: CreditPosting[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<PostingResult[]> {
    if (!postings.length) return []
    for (const posting of postings) {
      assertPositive(posting.points)
      if (posting.limit) {
        throw new MedusaError(MedusaError.Types.INVALID_DATA, `Credit ${posting.idempotency_key} has a limit: credit it with creditPoints`)
      }
    }
    return await postPage(transactionOf(sharedContext, WRITES), postings, (plan, posting, account, entryId) =>
      creditOf(posting, plan.credit(account.id, entryId, posting.points, posting.expires_at))
    )
  }
}

/**
 * Refuse a posting that would take one of the account's figures, or the
 * entry, past what the ledger's 32-bit columns hold (`pastAccountLimit`):
 * a 400 that says which figure, where Postgres would answer "integer out of
 * range" with a 500 after part of the work.
 */
function assertFits(account: LoyaltyAccount, change: AccountChange, points: number): void {
  const problem = pastAccountLimit(account, change, points)
  if (problem) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, problem)
}

/** Refuse a credit past its per-customer limit (under the account's lock, see `CreditPosting.limit`). */
async function assertWithinLimit(
  trx: Knex.Transaction,
  accountId: string,
  posting: CreditPosting,
  limit: { count: number; since: Date | null }
): Promise<void> {
  const reference = { reference_type: posting.reference_type ?? null, reference_id: posting.reference_id ?? null }
  if ((await sql.countCredits(trx, accountId, reference, limit.since)) >= limit.count) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Limit reached: ${posting.reference_id ?? "this action"} pays at most ${limit.count} time${limit.count === 1 ? "" : "s"} ${limit.since ? "in this period" : "per customer"}`
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

/** A forfeit of `closeAccount`: keyed by the customer (and the order whose pending points it forfeits). */
const closurePosting = (customerId: string, reason: string, orderId?: string): PostingBase => ({
  customer_id: customerId,
  idempotency_key: IdempotencyKeys.accountClosure(customerId, orderId),
  reason,
  order_id: orderId,
  reference_type: ReferenceTypes.CUSTOMER,
  reference_id: customerId,
})

/** Pending points of an order, released when its return window ends at `releaseAt`. */
const pendingPosting = (points: number, releaseAt: Date | null): Posting => ({
  type: "pending",
  points,
  movement: { balance_change: 0, pending_change: points, debt_change: 0 },
  release_at: releaseAt,
})

/** Rows in customer-id order: accounts locked in one order never wait on each other in a circle. */
function byCustomer<T extends { customer_id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0))
}

function importNotFound(id: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `Import ${id} was not found`)
}

function assertPositive(points: number) {
  if (!Number.isInteger(points) || points <= 0) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "Points must be a whole number greater than 0")
  }
}

/** An order earns a whole number of points, 0 included (a currency without a rate). */
function assertEarned(points: number) {
  if (!Number.isInteger(points) || points < 0) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "Earned points must be a whole number of 0 or more")
  }
}

/** What a credit posts (`creditPoints`, a page of them): its points, moved by `movement`; a restore gives back what was redeemed. */
const creditOf = (input: CreditPosting, movement: Movement): Posting => ({
  type: input.type,
  points: input.points,
  movement,
  lifetime_earned: input.type === "restore" ? 0 : input.points,
  lifetime_redeemed: input.type === "restore" ? -input.points : 0,
})

/** A release of an order's pending points (`releaseOrderPoints`, a page of them): keyed by the order, with its earning's rule version and currency. */
const releaseBase = (customerId: string, orderId: string, summary: OrderPointsSummary, earning: LedgerEntry | null | undefined): PostingBase => ({
  ...orderPosting(customerId, orderId, IdempotencyKeys.orderRelease(orderId), "Return window ended"),
  program_version: earning?.program_version ?? null,
  currency_code: earning?.currency_code ?? null,
  details: { earned: summary.earned, reversed_before_release: summary.reversed },
})

/** What a release posts: all that is left pending, moved to the balance side by `movement`, earned for good. */
const releasePosting = (summary: OrderPointsSummary, movement: Movement): Posting => ({
  type: "release",
  points: summary.pending,
  movement,
  lifetime_earned: summary.pending,
})

/**
 * The `expire` posting that empties a lot (`expireLot`, a page of them),
 * keyed by the lot. It records the lot it took as debits record theirs, so an
 * undone expiry gives the points back with the same (past) expiry and the
 * retried job expires them again.
 */
function lotExpiry(lot: { id: string; points: number; remaining: number; expires_at: Date }): {
  base: Omit<PostingBase, "customer_id">
  posting: Posting
} {
  const expiredAt = new Date(lot.expires_at).toISOString()
  return {
    base: {
      idempotency_key: IdempotencyKeys.lotExpiry(lot.id),
      reason: "Points expired",
      reference_type: ReferenceTypes.LOT,
      reference_id: lot.id,
      details: { lot_points: lot.points, expired_at: expiredAt },
    },
    posting: {
      type: "expire",
      details: { lots: [{ lot_id: lot.id, points: lot.remaining, expires_at: expiredAt }] },
      points: -lot.remaining,
      movement: { balance_change: -lot.remaining, pending_change: 0, debt_change: 0 },
    },
  }
}

/** The entry row a posting writes: the posting's own fields, with what `post_` or a page decided (details merged). */
function entryRow(base: Omit<PostingBase, "customer_id">, id: string, accountId: string, posting: Posting): sql.NewEntry {
  return {
    id,
    account_id: accountId,
    type: posting.type,
    points: posting.points,
    ...posting.movement,
    reason: base.reason,
    actor_type: base.actor_type ?? "system",
    actor_id: base.actor_id ?? null,
    reference_type: base.reference_type ?? null,
    reference_id: base.reference_id ?? null,
    order_id: base.order_id ?? null,
    idempotency_key: base.idempotency_key,
    program_version: base.program_version ?? null,
    currency_code: base.currency_code ?? null,
    release_at: posting.release_at ?? null,
    details: base.details || posting.details ? { ...base.details, ...posting.details } : null,
  }
}

/**
 * A page of postings planned as `post_` would post them one after another,
 * then written a few statements for the whole page: the entries in order,
 * the lots their credits open and one summed change per account. A credit
 * pays off the debt its account has at that point of the page first, as
 * `creditBalance_` does.
 */
class PagePlan {
  readonly entries: sql.NewEntry[] = []
  private readonly lots: sql.NewLot[] = []
  private readonly changes = new Map<string, AccountChange & { account_id: string }>()
  private readonly debts: Map<string, number>

  constructor(accounts: LoyaltyAccount[]) {
    this.debts = new Map(accounts.map((account) => [account.id, account.debt]))
  }

  /** `creditBalance_` within the page: the movement, and the lot for what reaches the balance. */
  credit(accountId: string, entryId: string, points: number, expiresAt: Date | null, pendingChange = 0): Movement {
    const movement = balanceCredit(this.debts.get(accountId)!, points, pendingChange)
    this.debts.set(accountId, this.debts.get(accountId)! + movement.debt_change)
    if (movement.balance_change > 0) {
      this.lots.push({ account_id: accountId, entry_id: entryId, points: movement.balance_change, expires_at: expiresAt })
    }
    return movement
  }

  /** One posting's entry, and what it changes added to its account's change. */
  add(base: PostingBase, accountId: string, entryId: string, posting: Posting): void {
    this.entries.push(entryRow(base, entryId, accountId, posting))
    this.changes.set(accountId, { account_id: accountId, ...addChange(this.changes.get(accountId) ?? NO_CHANGE, posting) })
  }

  /** Refuse the page when it would take an account past what it holds, as `post_` refuses one posting (`assertFits`). */
  assertFits(accounts: LoyaltyAccount[]): void {
    const largest = new Map<string, number>()
    for (const entry of this.entries) {
      if (Math.abs(entry.points) > Math.abs(largest.get(entry.account_id) ?? 0)) largest.set(entry.account_id, entry.points)
    }
    for (const account of accounts) {
      const change = this.changes.get(account.id)
      if (change) assertFits(account, change, largest.get(account.id) ?? 0)
    }
  }

  /** Write the page (entries, lots, accounts' figures, one statement each): the entries and accounts as written, by id. */
  async write(trx: Knex.Transaction): Promise<{ entries: Map<string, LedgerEntry>; accounts: Map<string, LoyaltyAccount> }> {
    const entries = new Map((await sql.insertEntries(trx, this.entries)).map((entry) => [entry.id, entry]))
    await sql.insertLots(trx, this.lots)
    const accounts = new Map((await sql.moveAccounts(trx, [...this.changes.values()])).map((account) => [account.id, account]))
    return { entries, accounts }
  }
}

/**
 * Post a page of keyed postings at once, as `post_` would post them one
 * after another (`PagePlan`, `apply` saying what each posts): the accounts
 * locked, those missing created (`sql.lockAccounts`: customer order, the
 * posting path's `lock_timeout`, refused for a closed account), the keys read
 * under those locks, then the page written. A key already written, or met
 * earlier in the page, writes nothing and answers its first entry
 * (`created: false`); `account` in a result is the account as the page left it.
 */
async function postPage<P extends PostingBase>(
  trx: Knex.Transaction,
  postings: P[],
  apply: (plan: PagePlan, posting: P, account: LoyaltyAccount, entryId: string) => Posting
): Promise<PostingResult[]> {
  const locked = await sql.lockAccounts(trx, postings.map((posting) => posting.customer_id))
  const accountOf = new Map(locked.map((account) => [account.customer_id, account]))
  const written = await sql.entriesByKeys(trx, postings.map((posting) => posting.idempotency_key))
  const plan = new PagePlan(locked)
  const planned = new Map<string, string>()
  const answers: { account: LoyaltyAccount; key: string; entry_id: string | null; created: boolean }[] = []
  for (const posting of postings) {
    const key = posting.idempotency_key
    const account = accountOf.get(posting.customer_id)!
    const first = written.has(key) ? null : planned.get(key)
    if (written.has(key) || first) {
      answers.push({ account, key, entry_id: first ?? null, created: false })
      continue
    }
    const entryId = generateEntityId(undefined, "lent")
    plan.add(posting, account.id, entryId, apply(plan, posting, account, entryId))
    planned.set(key, entryId)
    answers.push({ account, key, entry_id: entryId, created: true })
  }
  plan.assertFits(locked)
  const { entries, accounts } = await plan.write(trx)
  return answers.map(({ account, key, entry_id, created }) => ({
    entry: entry_id ? entries.get(entry_id)! : written.get(key)!,
    account: accounts.get(account.id) ?? account,
    created,
  }))
}
