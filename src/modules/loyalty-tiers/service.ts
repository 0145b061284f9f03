import { generateEntityId, InjectManager, InjectTransactionManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import { DueCursor, DuePage, dueIds, flushWrites, knexOf, lockForSave, newestFirst, pickFields, saveSettings, SharedContext, transactionOf, writeOnlyRow } from "../../lib/db"
import { addDays } from "../../lib/shared/dates"
import { TierExpiringEventData } from "../../lib/shared/events"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { forEachPage } from "../../lib/shared/pages"
import {
  describeMetrics,
  dropReminder,
  earnedBonuses,
  historyTiers,
  isoDay,
  mergeWrites,
  overrideInEffect,
  overrideRunOut,
  passedTiers,
  reviewedEarning,
  reviewNote,
  sameState,
  stateOf,
  tierChange,
} from "../../lib/tiers/membership"
import {
  ActivityMetrics,
  addActivitySums,
  addMetricsSums,
  decideOnActivity,
  decideOnReview,
  metricFieldProblems,
  openPeriodsEnd,
  progressToNext,
  qualificationWindow,
  qualifyingTier,
  reviewDate,
  reviewWindowStart,
  settingsFromOptions,
  settingsProblems,
  TierDefinition,
  TierMetrics,
  TierSettings,
  tierValues,
  validateTierSet,
  windowExcludesStart,
} from "../../lib/tiers/rules"
import TierActivity from "./models/activity"
import TierHistory from "./models/history"
import TierMembership from "./models/membership"
import TierOverride from "./models/override"
import TierSettingsModel from "./models/settings"
import Tier from "./models/tier"
import {
  activitySums,
  activitySumsOf,
  activitySumsPage,
  dueOverrides,
  dueReviews,
  createMemberships,
  insertActivities,
  insertActivityOnce,
  HistoryRow,
  insertHistories,
  insertHistory,
  lockDropReminderCandidates,
  lockExistingMembership,
  lockMembership,
  lockMembershipPage,
  lockTierMembers,
  markDropReminded,
  memberCountsAt,
  membershipPage,
  MembershipRow,
  PageMembershipRow,
  reopenPeriods,
  startOpenPeriods,
  tierInEffect,
  tiersInEffectAt,
  updateMembershipState,
  updateMembershipStates,
} from "./sql"
import {
  ActivityInput,
  CustomerTierStatus,
  HISTORY_FIELDS,
  LoyaltyTier,
  LoyaltyTiersOptions,
  MembershipState,
  MembershipWrite,
  OVERRIDE_FIELDS,
  TIER_FIELDS,
  TierChangeReason,
  TierHistoryEntry,
  TierInput,
  TierChange,
  TierOverrideRecord,
  TierPreview,
} from "./types"

/** The settings of the plugin options (a rule of `lib/tiers`), where the options' unit test imports it from. */
export { settingsFromOptions }

type InjectedDependencies = Record<string, unknown>

type HistoryInput = {
  reason: TierChangeReason
  note: string
  key: string
  actor_type?: "system" | "admin"
  actor_id?: string | null
  details?: Record<string, unknown>
}

const WRITES = "Tier writes"
/** Customers' activity read per page by the preview. */
const PREVIEW_PAGE = 1000

/** Ranks are moved out of the way by this much while a reorder rewrites them. */
const RANK_SHIFT = 100_000

/**
 * Membership tiers. The module stores tiers, each customer's membership,
 * their tier history, staff overrides and the qualifying activity, and makes
 * every decision about one customer under a lock on that customer's
 * membership row: an upgrade, a period-end review and an override never race,
 * across server and worker processes. The rules themselves are the pure
 * functions of `src/lib/tiers/`. Effects outside the module (customer
 * groups, bonus points, events) are left to the workflows, which get every
 * change back with what it needs.
 *
 * Reads and ordinary writes (tiers, settings, overrides, activity lookups,
 * history reads) are `MedusaService`'s generated methods; the SQL that stays
 * (the membership lock and what is written under it, the activity written
 * once per key, metrics sums and the jobs' set-based reads) is in `./sql`.
 */
export default class LoyaltyTiersModuleService extends MedusaService({
  Tier,
  TierMembership,
  TierHistory,
  TierOverride,
  TierActivity,
  TierSettings: TierSettingsModel,
}) {
  constructor(container: InjectedDependencies, protected readonly options_: LoyaltyTiersOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
  }

  // ---------------------------------------------------------------- settings

  /** The qualification settings in force: the saved row, else the plugin options. */
  @InjectManager()
  async getSettings(@MedusaContext() sharedContext: SharedContext = {}): Promise<TierSettings> {
    const [row] = await this.listTierSettings({}, { select: ["window", "window_months", "grace_days"], take: 1 }, sharedContext)
    return row ? { window: row.window, window_months: row.window_months, grace_days: row.grace_days } : settingsFromOptions(this.options_)
  }

  /**
   * Save the qualification settings; returns them with the previous ones (for
   * a compensation). Moving away from a lifetime window gives every earned
   * tier without a period end one (`openPeriodsEnd`), in the same
   * transaction, so those members are reviewed like everyone else;
   * `periods_started` says which end, for `reopenPeriods`.
   */
  @InjectTransactionManager()
  async updateSettings(
    changes: Partial<TierSettings>,
    actorId: string | null,
    now: Date = new Date(),
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ settings: TierSettings; previous: TierSettings; periods_started: { qualified_until: Date; count: number } | null }> {
    const { next, previous } = await saveSettings<TierSettings>(sharedContext, "loyalty_tier_settings", WRITES, {
      current: () => this.getSettings(sharedContext),
      next: (current) => ({ ...current, ...changes }),
      problems: settingsProblems,
      write: (settings) =>
        writeOnlyRow({ ...settings, updated_by: actorId }, {
          find: () => this.listTierSettings({}, { select: ["id"], take: 1 }, sharedContext),
          update: (row) => this.updateTierSettings(row, sharedContext),
          create: (values) => this.createTierSettings(values, sharedContext),
        }),
    })
    const until = openPeriodsEnd(previous, next, now)
    if (!until) return { settings: next, previous, periods_started: null }
    const count = await startOpenPeriods(transactionOf(sharedContext, WRITES), until)
    return { settings: next, previous, periods_started: { qualified_until: until, count } }
  }

  /** Undo the periods `updateSettings` started (a compensation): those still ending then are open again. */
  @InjectTransactionManager()
  async reopenPeriods(qualifiedUntil: Date, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await reopenPeriods(transactionOf(sharedContext, WRITES), new Date(qualifiedUntil))
  }

  // ---------------------------------------------------------------- tiers

  /** Live tiers, lowest rank first. */
  @InjectManager()
  async listTiersByRank(@MedusaContext() sharedContext: SharedContext = {}): Promise<LoyaltyTier[]> {
    return await this.tiers_(sharedContext)
  }

  /**
   * Add a tier (at the top unless a rank is given). The whole set is
   * validated with the new tier in it, under a table lock so two admins
   * cannot together create an invalid set.
   */
  @InjectTransactionManager()
  async createTier(input: TierInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<LoyaltyTier> {
    const tiers = await this.lockTiers_(sharedContext)
    assertNoProblems(metricFieldProblems(input, input))
    const candidate = tierValues({
      ...input,
      rank: input.rank ?? Math.max(0, ...tiers.map((tier) => tier.rank)) + 1,
    })
    assertValidSet([...tiers, { id: "new", ...candidate }])
    const { id } = await this.createTiers(candidate, sharedContext)
    return await this.written_(id, sharedContext)
  }

  /**
   * Change a tier; the set is validated as it would be after the change. A
   * threshold field that does not fit the tier's metric is refused (a 400),
   * not dropped. Returns the tier before too.
   */
  @InjectTransactionManager()
  async updateTier(
    id: string,
    changes: Partial<TierInput>,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ tier: LoyaltyTier; previous: LoyaltyTier }> {
    const tiers = await this.lockTiers_(sharedContext)
    const previous = findTier(tiers, id)
    assertNoProblems(metricFieldProblems({ name: changes.name ?? previous.name, metric: changes.metric ?? previous.metric }, changes))
    const next = tierValues({ ...previous, ...changes })
    assertValidSet(tiers.map((tier) => (tier.id === id ? { ...next, id } : tier)))
    await this.updateTiers({ id, ...next }, sharedContext)
    return { tier: await this.written_(id, sharedContext), previous }
  }

  /**
   * Give the tiers new ranks, lowest first. Every live tier must be named
   * once, and thresholds must still grow with rank.
   */
  @InjectTransactionManager()
  async reorderTiers(
    tierIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ tiers: LoyaltyTier[]; previous: { id: string; rank: number }[] }> {
    const tiers = await this.lockTiers_(sharedContext)
    const known = new Set(tiers.map((tier) => tier.id))
    const unknown = tierIds.filter((id) => !known.has(id))
    const missing = tiers.filter((tier) => !tierIds.includes(tier.id)).map((tier) => `"${tier.name}"`)
    if (unknown.length || missing.length || new Set(tierIds).size !== tierIds.length) {
      const problems = [
        unknown.length ? `unknown tier ids: ${unknown.join(", ")}` : null,
        missing.length ? `missing: ${missing.join(", ")}` : null,
        new Set(tierIds).size !== tierIds.length ? "a tier is listed twice" : null,
      ].filter(Boolean)
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Send every tier exactly once, lowest rank first (${problems.join("; ")})`
      )
    }
    const ranks = new Map(tierIds.map((id, index) => [id, index + 1]))
    assertValidSet(tiers.map((tier) => ({ ...tier, rank: ranks.get(tier.id)! })))
    await this.writeRanks_([...ranks].map(([id, rank]) => ({ id, rank })), sharedContext)
    return { tiers: await this.tiers_(sharedContext), previous: tiers.map(({ id, rank }) => ({ id, rank })) }
  }

  /** Put ranks back as they were (a reorder's compensation). */
  @InjectTransactionManager()
  async restoreRanks(
    ranks: { id: string; rank: number }[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    await lockForSave(sharedContext, "loyalty_tier", WRITES)
    await this.writeRanks_(ranks, sharedContext)
  }

  /**
   * Delete a tier. A tier with members (earned or in effect, or an active
   * override) is deleted only with `moveTo`: the id of the tier they move to,
   * or null for no tier. Moves keep each member's period; each moved member
   * gets a history line. The tier is soft-deleted, so history keeps its name.
   */
  @InjectTransactionManager()
  async deleteTier(
    id: string,
    moveTo: string | null | undefined,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ tier: LoyaltyTier; target: LoyaltyTier | null; writes: MembershipWrite[]; override_ids: string[] }> {
    const trx = transactionOf(sharedContext, WRITES)
    const tiers = await this.lockTiers_(sharedContext)
    const tier = findTier(tiers, id)
    const { members, override_ids } = await lockTierMembers(trx, id)
    if ((members.length || override_ids.length) && moveTo === undefined) {
      const count = Math.max(members.length, override_ids.length)
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `"${tier.name}" has ${count} member${count === 1 ? "" : "s"}: move them to another tier (move_members_to) before deleting it`
      )
    }
    if (moveTo === id) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `Members of "${tier.name}" cannot move to the tier being deleted`)
    }
    const target = moveTo ? findTier(tiers, moveTo) : null
    if (override_ids.length) {
      await this.updateTierOverrides({ selector: { id: override_ids }, data: { tier_id: target?.id ?? null } }, sharedContext)
    }
    const byId = tierMap(tiers)
    const writes: MembershipWrite[] = []
    for (const member of members) {
      const earnedMoves = member.earned_tier_id === id
      const after: MembershipState = {
        ...stateOf(member),
        tier_id: member.tier_id === id ? target?.id ?? null : member.tier_id,
        earned_tier_id: earnedMoves ? target?.id ?? null : member.earned_tier_id,
        qualified_at: earnedMoves && !target ? null : member.qualified_at,
        qualified_until: earnedMoves && !target ? null : member.qualified_until,
      }
      writes.push(
        await this.writeMembership_(member, after, byId, {
          reason: "tier_deleted",
          note: target
            ? `"${tier.name}" was deleted; its members moved to "${target.name}"`
            : `"${tier.name}" was deleted; its members have no tier now`,
          key: IdempotencyKeys.tierDeleted(id, member.customer_id),
        }, sharedContext)
      )
    }
    await this.softDeleteTiers(id, {}, sharedContext)
    return { tier, target, writes, override_ids }
  }

  /** Undo `deleteTier`: the tier comes back, and so do its members and overrides (a compensation). */
  @InjectTransactionManager()
  async undoDeleteTier(
    removal: { tier_id: string; writes: MembershipWrite[]; override_ids: string[] },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    await lockForSave(sharedContext, "loyalty_tier", WRITES)
    await this.restoreTiers(removal.tier_id, {}, sharedContext)
    if (removal.override_ids.length) {
      await this.updateTierOverrides({ selector: { id: removal.override_ids }, data: { tier_id: removal.tier_id } }, sharedContext)
    }
    for (const write of removal.writes) {
      await this.restoreMembership(write, sharedContext)
    }
  }

  /** Take back a tier created by a step that is being compensated (only while nobody is in it). */
  @InjectTransactionManager()
  async undoCreateTier(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await lockForSave(sharedContext, "loyalty_tier", WRITES)
    const [used] = await this.listTierMemberships(
      { $or: [{ tier_id: id }, { earned_tier_id: id }] },
      { select: ["id"], take: 1, withDeleted: true },
      sharedContext
    )
    if (!used) {
      await this.deleteTiers(id, sharedContext)
    }
  }

  /** Put a tier's fields back as they were (an edit's compensation). */
  @InjectTransactionManager()
  async undoUpdateTier(tier: LoyaltyTier, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await lockForSave(sharedContext, "loyalty_tier", WRITES)
    await this.updateTiers({ id: tier.id, ...tierValues(tier) }, sharedContext)
  }

  // ---------------------------------------------------------------- activity

  /**
   * Record qualifying activity once per idempotency key. Returns the row id
   * and whether this call wrote it.
   */
  @InjectTransactionManager()
  async recordActivity(
    input: ActivityInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ id: string; created: boolean }> {
    const id = generateEntityId(undefined, "ltact")
    if (await insertActivityOnce(transactionOf(sharedContext, WRITES), id, input)) {
      return { id, created: true }
    }
    const [existing] = await this.listTierActivities(
      { idempotency_key: input.idempotency_key },
      { select: ["id"], take: 1 },
      sharedContext
    )
    return { id: existing.id, created: false }
  }

  /**
   * Record many activities, each once per idempotency key, in one statement
   * (`recordActivity` for a page of releases), and open a membership row for
   * each of their customers who has none, as their first evaluation would.
   * Returns the ids this call wrote (a compensation deletes those).
   */
  @InjectTransactionManager()
  async recordActivities(inputs: ActivityInput[], @MedusaContext() sharedContext: SharedContext = {}): Promise<string[]> {
    const trx = transactionOf(sharedContext, WRITES)
    const created = await insertActivities(
      trx,
      inputs.map((input) => ({ ...input, id: generateEntityId(undefined, "ltact") }))
    )
    await createMemberships(trx, inputs.map((input) => input.customer_id))
    return created
  }

  /**
   * Which of these customers `evaluateCustomer` would change now (with
   * `unrecorded` activity counted too): their current window's activity reaches a higher tier than the one they earned,
   * or reaches their earned tier again past its period (kept longer), or
   * their override has run out (ended first). Read without locks, a page at
   * once: everyone it names is decided again under their lock by
   * `evaluateCustomer`; for everyone else an evaluation would write nothing.
   */
  @InjectManager()
  async listCustomersToEvaluate(
    customerIds: string[],
    now: Date,
    /** Activity not recorded yet, counted as if it were (a page's releases, before they are written). */
    unrecorded: ActivityInput[] = [],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    const ids = [...new Set(customerIds)].sort()
    if (!ids.length) return []
    const { settings, tiers, byId } = await this.terms_(sharedContext)
    const rows = new Map((await membershipPage(knexOf(sharedContext), ids)).map((row) => [row.customer_id, row]))
    const window = qualificationWindow(settings, now)
    const metricsOf = await this.metricsOf_(
      ids.map((customer_id) => ({ customer_id, start: window.start })),
      settings,
      now,
      sharedContext
    )
    const excludeStart = windowExcludesStart(settings)
    for (const activity of unrecorded) {
      const metrics = metricsOf.get(activity.customer_id)
      const at = new Date(activity.occurred_at)
      const inWindow = at <= now && (!window.start || (excludeStart ? at > window.start : at >= window.start))
      if (metrics && inWindow) addMetricsSums(metrics, { ...activity, currency_code: activity.currency_code?.toLowerCase() ?? null })
    }
    return ids.filter((customerId) => {
      const row = rows.get(customerId)
      if (overrideRunOut(row?.override_id ? row.override : null, now)) return true
      const decision = decideOnActivity({
        tiers,
        earned: (row?.earned_tier_id && byId.get(row.earned_tier_id)) || null,
        qualified_until: row?.qualified_until ? new Date(row.qualified_until) : null,
        metrics: metricsOf.get(customerId)!,
        settings,
        now,
      })
      return decision !== null
    })
  }

  /** Which of these activity keys are not recorded yet: the daily job's catch-up list. */
  @InjectManager()
  async missingActivityKeys(keys: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<string[]> {
    if (!keys.length) return []
    const found = await this.listTierActivities(
      { idempotency_key: keys },
      { select: ["idempotency_key"], take: null },
      sharedContext
    )
    const seen = new Set(found.map((row) => row.idempotency_key))
    return keys.filter((key) => !seen.has(key))
  }

  /** A customer's qualifying activity in [start, end] (start null = since ever). */
  @InjectManager()
  async customerMetrics(
    customerId: string,
    start: Date | null,
    end: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<TierMetrics & { oldest_at: Date | null }> {
    const settings = await this.getSettings(sharedContext)
    return await this.metrics_(customerId, settings, start, end, sharedContext)
  }

  // ---------------------------------------------------------------- decisions

  /**
   * New qualifying activity: upgrade at once when a higher tier is reached,
   * or keep the current tier longer when its threshold is reached again.
   * Never downgrades. An override that has run out ends first.
   */
  @InjectTransactionManager()
  async evaluateCustomer(
    customerId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<MembershipWrite> {
    return await this.decide_(customerId, now, sharedContext, async ({ settings, tiers, byId, row }) => {
      const window = qualificationWindow(settings, now)
      const metrics = await this.metrics_(customerId, settings, window.start, now, sharedContext)
      const decision = decideOnActivity({
        tiers,
        earned: (row.earned_tier_id && byId.get(row.earned_tier_id)) || null,
        qualified_until: row.qualified_until,
        metrics,
        settings,
        now,
      })
      if (!decision) return null
      const earnedTierId = decision.kind === "upgrade" ? decision.tier.id : row.earned_tier_id
      const after = await this.withEarnedTier_(row, now, {
        earned_tier_id: earnedTierId,
        qualified_at: now,
        qualified_until: decision.qualified_until,
      }, sharedContext)
      const reached = byId.get(earnedTierId!)!
      return {
        after,
        history: {
          reason: "qualified",
          note: `Reached ${reached.name}: ${describeMetrics(reached, metrics)}`,
          key: IdempotencyKeys.tierQualified(customerId, reached.id, now),
          details: { metrics, window, decision: decision.kind },
        },
      }
    })
  }

  /**
   * The period-end review, once `qualified_until` plus the grace days has
   * passed: the customer keeps the tier the period's activity still reaches
   * (a lower one, or none), and the next period starts. Not due → no change,
   * so running it twice changes nothing.
   */
  @InjectTransactionManager()
  async reviewCustomer(
    customerId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<MembershipWrite> {
    return await this.decide_(customerId, now, sharedContext, async ({ settings, tiers, byId, row }) => {
      const due = reviewDate(settings, row.qualified_until)
      if (!row.qualified_until || !due || due > now) return null
      const start = reviewWindowStart(settings, row.qualified_until, row.qualified_at)
      // A rolling period excludes its start: the activity that reached the tier
      // when the period began belongs to that period, not to the next one.
      const metrics = await this.metrics_(customerId, settings, start, now, sharedContext)
      const decision = decideOnReview({ tiers, metrics, settings, qualified_until: row.qualified_until, now })
      const after = await this.withEarnedTier_(row, now, reviewedEarning(row, decision, now), sharedContext)
      return { after, history: reviewHistory(row, row.qualified_until, decision.tier, { metrics, start, now }, byId) }
    })
  }

  /**
   * The period-end review of a page of customers (the daily pass's unit of
   * work), with what `reviewCustomer` decides for each, in a few statements:
   * the page's membership rows locked in customer order (the lock every
   * decision about a customer holds, so a concurrent upgrade or override
   * never races it), their activity summed in one grouped read, the new
   * states written in one update and the history lines in one insert.
   *
   * Customers this path does not decide are returned in `deferred`, for the
   * per-customer review (which waits for the lock and does everything):
   * rows another transaction holds right now, an override whose end date
   * has passed (the per-customer path ends it first, with its own history
   * line), and a review that lifts a customer's earned tier into or past a
   * tier with bonus points, under an override too (a points posting of its
   * own). Everyone else in the page counts as reviewed, due or not any more
   * (`reviewCustomer` changes nothing then).
   * `writes` holds every membership written, with its state before, for the
   * effects (groups, events) and for `restoreMemberships`.
   */
  @InjectTransactionManager()
  async reviewPage(
    customerIds: string[],
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ reviewed: number; writes: MembershipWrite[]; deferred: string[] }> {
    const trx = transactionOf(sharedContext, WRITES)
    const { settings, tiers, byId } = await this.terms_(sharedContext)
    const ids = [...new Set(customerIds)].sort()
    const rows = await lockMembershipPage(trx, ids, { skipLocked: true })
    const locked = new Set(rows.map((row) => row.customer_id))
    const deferred = ids.filter((id) => !locked.has(id))

    // Due under the lock, and not waiting for an override to end first.
    const due: { row: PageMembershipRow; qualifiedUntil: Date; overrideTierId: string | null | undefined }[] = []
    for (const row of rows) {
      const override = row.override_id ? row.override : null
      if (overrideRunOut(override, now)) {
        deferred.push(row.customer_id)
        continue
      }
      const qualifiedUntil = row.qualified_until ? new Date(row.qualified_until) : null
      const reviewAt = reviewDate(settings, qualifiedUntil)
      if (!qualifiedUntil || !reviewAt || reviewAt > now) continue
      // The override in effect (`activeOverride_`): live, not ended, not past its date.
      const active = override && !override.deleted_at && overrideInEffect(override, now)
      due.push({ row, qualifiedUntil, overrideTierId: active ? override.tier_id : undefined })
    }

    const metricsOf = await this.metricsOf_(
      due.map(({ row, qualifiedUntil }) => ({ customer_id: row.customer_id, start: reviewWindowStart(settings, qualifiedUntil, row.qualified_at) })),
      settings,
      now,
      sharedContext
    )
    const tierOf = await this.tiersIncludingDeleted_(
      byId,
      due.flatMap(({ row, overrideTierId }) => [row.tier_id, row.earned_tier_id, overrideTierId ?? null]),
      sharedContext
    )

    const writes: MembershipWrite[] = []
    const histories: HistoryRow[] = []
    for (const { row, qualifiedUntil, overrideTierId } of due) {
      const start = reviewWindowStart(settings, qualifiedUntil, row.qualified_at)
      const metrics = metricsOf.get(row.customer_id)!
      const decision = decideOnReview({ tiers, metrics, settings, qualified_until: qualifiedUntil, now })
      const before = stateOf(row)
      const earned = reviewedEarning(before, decision, now)
      const after: MembershipState = { ...before, ...earned, tier_id: overrideTierId !== undefined ? overrideTierId : earned.earned_tier_id }
      const earnedBefore = before.earned_tier_id ? tierOf.get(before.earned_tier_id) ?? null : null
      if (earnedBonuses(byId.values(), earnedBefore, decision.tier, "review").length) {
        // The earned tier goes up past a bonus (an override may hide it): a ledger posting of its own, which the
        // per-customer review credits with the write.
        deferred.push(row.customer_id)
        continue
      }
      if (before.tier_id === after.tier_id) {
        writes.push({ customer_id: row.customer_id, before, after, changes: [], bonuses: [] })
        continue
      }
      const history = reviewHistory(row, qualifiedUntil, decision.tier, { metrics, start, now }, byId)
      const from = before.tier_id ? tierOf.get(before.tier_id) ?? null : null
      const to = after.tier_id ? tierOf.get(after.tier_id) ?? null : null
      const { line, change } = historyLine(row.customer_id, from, to, byId.values(), history, before, after)
      histories.push(line)
      writes.push({ customer_id: row.customer_id, before, after, changes: [change], bonuses: [] })
    }
    const membershipIds = new Map(rows.map((row) => [row.customer_id, row.id]))
    await updateMembershipStates(trx, writes.map((write) => ({ id: membershipIds.get(write.customer_id)!, ...write.after })))
    await insertHistories(trx, histories)
    return { reviewed: ids.length - deferred.length, writes, deferred }
  }

  /**
   * Staff set a customer's tier (or no tier) with a reason, until `ends_at`
   * (null = until ended by hand). It replaces an active override. The earned
   * tier keeps being evaluated underneath and takes over when it ends.
   */
  @InjectTransactionManager()
  async setOverride(
    input: {
      customer_id: string
      tier_id: string | null
      reason: string
      actor_id: string
      ends_at: Date | null
      now: Date
    },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<MembershipWrite & { override: TierOverrideRecord }> {
    const tiers = await this.tiers_(sharedContext)
    const byId = tierMap(tiers)
    if (input.tier_id) findTier(tiers, input.tier_id)
    if (input.ends_at && input.ends_at <= input.now) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "ends_at must be in the future")
    }
    const { row, writes } = await this.lockAndSettle_(input.customer_id, input.now, byId, sharedContext)
    const ended: string[] = []
    if (row.override_id) {
      await this.updateTierOverrides(
        {
          selector: { id: row.override_id, ended_at: null },
          data: { ended_at: input.now, ended_by: input.actor_id, end_reason: "Replaced by a new override" },
        },
        sharedContext
      )
      // The customer's one active override (a unique index) has ended before the next is written.
      await flushWrites(sharedContext)
      ended.push(row.override_id)
    }
    const created = await this.createTierOverrides(
      {
        customer_id: input.customer_id,
        tier_id: input.tier_id,
        reason: input.reason,
        created_by: input.actor_id,
        ends_at: input.ends_at,
      },
      sharedContext
    )
    // Written now, with the database's timestamps, as the override leaves the module.
    await flushWrites(sharedContext)
    const [written] = await this.listTierOverrides({ id: created.id }, { select: [...OVERRIDE_FIELDS], take: 1 }, sharedContext)
    const override = pickFields(written, OVERRIDE_FIELDS)
    const target = input.tier_id ? byId.get(input.tier_id)! : null
    writes.push(
      await this.writeMembership_(
        row,
        { ...stateOf(row), override_id: override.id, tier_id: input.tier_id },
        byId,
        {
          reason: "override",
          note: `Set to ${target ? target.name : "no tier"} by staff${input.ends_at ? ` until ${isoDay(input.ends_at)}` : ""}: ${input.reason}`,
          key: IdempotencyKeys.tierOverride(override.id),
          actor_type: "admin",
          actor_id: input.actor_id,
          details: { override_id: override.id, ends_at: input.ends_at },
        },
        sharedContext
      )
    )
    return {
      ...mergeWrites(input.customer_id, writes),
      created_override_id: override.id,
      ended_override_ids: [...writes.flatMap((w) => w.ended_override_ids ?? []), ...ended],
      override,
    }
  }

  /**
   * End a customer's active override (staff, or the daily job when its date
   * passed): the earned tier is in effect again. Null when there is none.
   */
  @InjectTransactionManager()
  async endOverride(
    input: { customer_id: string; now: Date; actor_id: string | null; reason: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<MembershipWrite | null> {
    const byId = tierMap(await this.tiers_(sharedContext))
    const { row, writes } = await this.lockAndSettle_(input.customer_id, input.now, byId, sharedContext)
    if (writes.length) {
      return mergeWrites(input.customer_id, writes)
    }
    const override = await this.activeOverride_(row, input.now, sharedContext)
    if (!override) return null
    return await this.endOverride_(row, override, input.now, byId, input.actor_id, input.reason, sharedContext)
  }

  /**
   * Undo what one write did to a customer (a compensation): the membership
   * goes back unless somebody changed it since (theirs is newer: leave it);
   * its history lines are withdrawn, the override it created is deleted and
   * those it ended are active again.
   */
  @InjectTransactionManager()
  async restoreMembership(write: MembershipWrite, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    const row = await lockExistingMembership(trx, write.customer_id)
    if (!row || !sameState(stateOf(row), write.after)) return
    await updateMembershipState(trx, row.id, write.before)
    const historyIds = write.changes.map((change) => change.history_id)
    if (historyIds.length) {
      await this.softDeleteTierHistories(historyIds, {}, sharedContext)
    }
    if (write.created_override_id) {
      await this.softDeleteTierOverrides(write.created_override_id, {}, sharedContext)
    }
    if (write.ended_override_ids?.length) {
      // The created override is gone before an ended one is active again (one active per customer).
      await flushWrites(sharedContext)
      await this.updateTierOverrides(
        { selector: { id: write.ended_override_ids }, data: { ended_at: null, ended_by: null, end_reason: null } },
        sharedContext
      )
    }
  }

  /**
   * Undo the writes of `reviewPage` (its workflow's compensation), set-based:
   * each membership goes back unless somebody changed it since (theirs is
   * newer: leave it), and its history lines are withdrawn. The rows are
   * locked in customer order, as the page locked them.
   */
  @InjectTransactionManager()
  async restoreMemberships(writes: MembershipWrite[], @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    if (!writes.length) return
    const trx = transactionOf(sharedContext, WRITES)
    const byCustomer = new Map(writes.map((write) => [write.customer_id, write]))
    const rows = await lockMembershipPage(trx, [...byCustomer.keys()].sort(), { skipLocked: false })
    const back = rows.filter((row) => sameState(stateOf(row), byCustomer.get(row.customer_id)!.after))
    await updateMembershipStates(trx, back.map((row) => ({ id: row.id, ...stateOf(byCustomer.get(row.customer_id)!.before) })))
    const historyIds = back.flatMap((row) => byCustomer.get(row.customer_id)!.changes.map((change) => change.history_id))
    if (historyIds.length) {
      await this.softDeleteTierHistories(historyIds, {}, sharedContext)
    }
  }

  // ---------------------------------------------------------------- due work

  /** One page of customers whose period ended more than the grace days ago, in keyset order (period end, customer). */
  @InjectManager()
  async listDueReviews(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    const settings = await this.getSettings(sharedContext)
    return await dueIds(sharedContext, dueReviews(addDays(now, -settings.grace_days)), { at: "qualified_until", id: "customer_id" }, { after, limit })
  }

  /**
   * One page (by customer id, after `after`) of members whose earned tier is
   * reviewed within `days` of `now` and whose coming drop was not announced
   * for this period. Those whose activity so far would drop at the review
   * (the review's own rule, `comingDrop`) are marked in this transaction
   * (`drop_reminded_for` = the period's end: once per period) and returned;
   * the others stay unmarked, so a later run still warns them if a reversal
   * takes activity away. Members under a staff override are left out (the
   * override decides what they see), and rows another transaction holds are
   * skipped (that customer is being evaluated; tomorrow's run sees them).
   */
  @InjectTransactionManager()
  async claimTierDropReminders(
    input: { now: Date; days: number; after: string | null; limit: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ reminders: TierExpiringEventData[]; scanned: number; last: string | null }> {
    const trx = transactionOf(sharedContext, WRITES)
    const { settings, tiers, byId } = await this.terms_(sharedContext)
    const now = new Date(input.now)
    // Reviewed at qualified_until + grace_days, wanted within (now, now + days].
    const rows = await lockDropReminderCandidates(trx, {
      from: addDays(now, -settings.grace_days),
      to: addDays(now, input.days - settings.grace_days),
      after: input.after,
      limit: input.limit,
    })
    const reminders: TierExpiringEventData[] = []
    const marked: string[] = []
    for (const row of rows) {
      const earned = byId.get(row.earned_tier_id!)
      const qualifiedUntil = new Date(row.qualified_until!)
      if (!earned) continue
      const start = reviewWindowStart(settings, qualifiedUntil, row.qualified_at)
      const metrics = await this.metrics_(row.customer_id, settings, start, now, sharedContext)
      const reminder = dropReminder({
        membership_id: row.id,
        customer_id: row.customer_id,
        settings,
        tiers,
        earned,
        qualified_until: qualifiedUntil,
        metrics,
      })
      if (!reminder) continue
      marked.push(row.id)
      reminders.push(reminder)
    }
    if (marked.length) {
      await markDropReminded(trx, marked)
    }
    return { reminders, scanned: rows.length, last: rows.length ? rows[rows.length - 1].customer_id : null }
  }

  /** Undo `claimTierDropReminders` for these members (their events could not be emitted). */
  @InjectTransactionManager()
  async unclaimTierDropReminders(customerIds: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await this.updateTierMemberships({ selector: { customer_id: customerIds }, data: { drop_reminded_for: null } }, sharedContext)
  }

  /** One page of customers whose override's end date has passed, in keyset order (end date, override). */
  @InjectManager()
  async listDueOverrides(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueOverrides(knexOf(sharedContext), now, after, limit)
  }

  /**
   * One page of customers (by id, after `after`) with activity in
   * [start, end], with their metrics: set-based, one query per page.
   */
  @InjectManager()
  async metricsPage(
    start: Date | null,
    end: Date,
    after: string | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ customer_id: string; metrics: TierMetrics }[]> {
    const excludeStart = windowExcludesStart(await this.getSettings(sharedContext))
    const rows = await activitySumsPage(knexOf(sharedContext), { start, end, excludeStart }, after, limit)
    const byCustomer = new Map<string, TierMetrics>()
    for (const row of rows) {
      byCustomer.set(row.customer_id, addMetricsSums(byCustomer.get(row.customer_id) ?? { points: 0, orders: 0, spend: {} }, row))
    }
    return [...byCustomer.entries()].map(([customer_id, metrics]) => ({ customer_id, metrics }))
  }

  /** Customers whose tier in effect is this tier, a page at a time. */
  @InjectManager()
  async listTierMemberIds(
    tierId: string,
    after: string | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    const rows = await this.listTierMemberships(
      { tier_id: tierId, ...(after ? { customer_id: { $gt: after } } : {}) },
      { select: ["customer_id"], order: { customer_id: "ASC" }, take: limit },
      sharedContext
    )
    return rows.map((row) => row.customer_id)
  }

  /**
   * These customers' tier in effect (`tier_id`) or earned tier
   * (`earned_tier_id`), by customer (absent = no membership row): one read
   * for a page of the jobs and the import.
   */
  @InjectManager()
  async membershipTiers(
    customerIds: string[],
    column: "tier_id" | "earned_tier_id",
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Map<string, string | null>> {
    if (!customerIds.length) return new Map()
    const rows = await this.listTierMemberships(
      { customer_id: customerIds },
      { select: ["customer_id", column], take: null },
      sharedContext
    )
    return new Map(rows.map((row) => [row.customer_id, row[column]]))
  }

  // ---------------------------------------------------------------- reads

  /**
   * The tier in effect for a customer at `now`: an active override's tier
   * (one whose end date has passed no longer counts, even before the daily
   * job ends it), else the earned tier. What the earn multiplier and the
   * cart preview use. One statement (membership, its override, the tier):
   * every member's award reads it.
   */
  @InjectManager()
  async effectiveTier(
    customerId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<LoyaltyTier | null> {
    return (await tierInEffect(knexOf(sharedContext), customerId, now)) ?? null
  }

  /**
   * `effectiveTier` for many (customer, instant) pairs in one statement, in
   * the order given (null: no tier then): the earning tier of each order of
   * the earnings catch-up's page, at its placement time.
   */
  @InjectManager()
  async effectiveTiers(
    pairs: { customer_id: string; at: Date }[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<(LoyaltyTier | null)[]> {
    if (!pairs.length) return []
    return await tiersInEffectAt(knexOf(sharedContext), pairs)
  }

  /** Everything a customer or staff see about a customer's tier at `now`. */
  @InjectManager()
  async customerStatus(
    customerId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CustomerTierStatus> {
    const { settings, tiers, byId } = await this.terms_(sharedContext)
    const [row] = await this.listTierMemberships({ customer_id: customerId }, { take: 1 }, sharedContext)
    const override = row ? await this.activeOverride_(row, now, sharedContext) : null
    const earned = (row?.earned_tier_id && byId.get(row.earned_tier_id)) || null
    const current = override ? (override.tier_id ? byId.get(override.tier_id) ?? null : null) : earned
    const window = qualificationWindow(settings, now)
    const { oldest_at, ...metrics } = await this.metrics_(customerId, settings, window.start, now, sharedContext)
    return {
      customer_id: customerId,
      current,
      earned,
      override,
      qualified_at: row?.qualified_at ?? null,
      kept_until: earned ? row?.qualified_until ?? null : null,
      review_at: earned ? reviewDate(settings, row?.qualified_until ?? null) : null,
      settings,
      window,
      metrics,
      next: progressToNext({ tiers, current, metrics, settings, now, oldest_activity_at: oldest_at }),
    }
  }

  /** A customer's tier history, newest first (`newestFirst`). */
  @InjectManager()
  async customerHistory(
    customerId: string,
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ history: TierHistoryEntry[]; has_more: boolean }> {
    const { rows, has_more } = await newestFirst(
      (config) => this.listTierHistories({ customer_id: customerId }, { select: [...HISTORY_FIELDS], ...config }, sharedContext),
      page
    )
    return { history: rows, has_more }
  }

  /**
   * Members in effect per tier id at `now`: an override past its end date
   * counts as ended already (the customer is back in their earned tier), even
   * before a job has written that down.
   */
  @InjectManager()
  async memberCounts(
    now: Date = new Date(),
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Map<string, number>> {
    return await memberCountsAt(knexOf(sharedContext), now)
  }

  /**
   * How many customers would land in each tier now, from their activity in
   * the current window: under the saved tiers, or under `proposed` ones
   * (validated first, so a preview of an invalid set is a 400 too). Members
   * counts the tiers in effect today (overrides and kept periods included).
   */
  @InjectManager()
  async preview(
    now: Date,
    proposed: (TierInput & { id?: string })[] | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<TierPreview> {
    const settings = await this.getSettings(sharedContext)
    const saved = await this.tiers_(sharedContext)
    const tiers: TierDefinition[] = proposed
      ? proposed.map((input, index) => ({
          id: input.id ?? `proposed_${index}`,
          ...tierValues({ ...input, rank: input.rank ?? index + 1 }),
        }))
      : saved
    assertValidSet(tiers)
    const window = qualificationWindow(settings, now)
    const qualifying = new Map<string, number>()
    let customers = 0
    let without = 0
    await forEachPage(
      ({ after }) => this.metricsPage(window.start, now, after, PREVIEW_PAGE, sharedContext),
      async (page) => {
        for (const { metrics } of page) {
          customers++
          const tier = qualifyingTier(tiers, metrics)
          if (tier) qualifying.set(tier.id, (qualifying.get(tier.id) ?? 0) + 1)
          else without++
        }
      },
      { size: PREVIEW_PAGE, until: "empty", key: (row) => row.customer_id }
    )
    const members = await this.memberCounts(now, sharedContext)
    return {
      window,
      customers_with_activity: customers,
      tiers: [...tiers]
        .sort((a, b) => a.rank - b.rank)
        .map((tier) => ({
          id: tier.id.startsWith("proposed_") ? null : tier.id,
          name: tier.name,
          rank: tier.rank,
          qualifying: qualifying.get(tier.id) ?? 0,
          members: members.get(tier.id) ?? 0,
        })),
      without_tier: { qualifying: without },
    }
  }

  // ---------------------------------------------------------------- internals

  /** Live tiers, lowest rank first, as they leave the module. */
  protected async tiers_(sharedContext: SharedContext): Promise<LoyaltyTier[]> {
    const tiers = await this.listTiers({}, { select: [...TIER_FIELDS], order: { rank: "ASC" }, take: null }, sharedContext)
    // A tier this transaction wrote is loaded whole: only the public columns leave the module.
    return tiers.map((tier) => pickFields(tier, TIER_FIELDS))
  }

  /** A tier this transaction just created or changed, written and read back as it leaves the module. */
  protected async written_(id: string, sharedContext: SharedContext): Promise<LoyaltyTier> {
    await flushWrites(sharedContext)
    return (await this.anyTier_(id, sharedContext))!
  }

  /**
   * Lock the tier set against other writers of it for the rest of the
   * transaction (`lockForSave`), then read it: validation sees the set every
   * other writer will.
   */
  protected async lockTiers_(sharedContext: SharedContext): Promise<LoyaltyTier[]> {
    await lockForSave(sharedContext, "loyalty_tier", WRITES)
    return await this.tiers_(sharedContext)
  }

  /** A tier by id, deleted or not (history of a deleted tier keeps its name). */
  protected async anyTier_(id: string, sharedContext: SharedContext): Promise<LoyaltyTier | null> {
    const [tier] = await this.listTiers({ id }, { select: [...TIER_FIELDS], take: 1, withDeleted: true }, sharedContext)
    return tier ? pickFields(tier, TIER_FIELDS) : null
  }

  /** Two passes: ranks are unique (checked row by row), so a swap would collide half-way. */
  protected async writeRanks_(ranks: { id: string; rank: number }[], sharedContext: SharedContext): Promise<void> {
    await this.updateTiers(ranks.map(({ id, rank }) => ({ id, rank: rank + RANK_SHIFT })), sharedContext)
    await flushWrites(sharedContext)
    await this.updateTiers(ranks, sharedContext)
    await flushWrites(sharedContext)
  }

  /**
   * What a decision about one customer starts from: the settings, the tiers,
   * and the customer's membership locked and settled (`lockAndSettle_`).
   */
  protected async decisionContext_(customerId: string, now: Date, sharedContext: SharedContext) {
    const terms = await this.terms_(sharedContext)
    return { ...terms, ...(await this.lockAndSettle_(customerId, now, terms.byId, sharedContext)) }
  }

  /**
   * One decision about one customer (`evaluateCustomer`, `reviewCustomer`):
   * `decide` reads the `decisionContext_` and says the membership's new state
   * and its history line, or null for no change. Returns what was written,
   * ending an override that ran out included.
   */
  protected async decide_(
    customerId: string,
    now: Date,
    sharedContext: SharedContext,
    decide: (context: Awaited<ReturnType<typeof this.decisionContext_>>) => Promise<{ after: MembershipState; history: HistoryInput } | null>
  ): Promise<MembershipWrite> {
    const context = await this.decisionContext_(customerId, now, sharedContext)
    const decision = await decide(context)
    if (decision) {
      context.writes.push(await this.writeMembership_(context.row, decision.after, context.byId, decision.history, sharedContext))
    }
    return mergeWrites(customerId, context.writes)
  }

  /** What every decision reads first: the settings in force and the live tiers (by rank, and by id). */
  protected async terms_(sharedContext: SharedContext) {
    const settings = await this.getSettings(sharedContext)
    const tiers = await this.tiers_(sharedContext)
    return { settings, tiers, byId: tierMap(tiers) }
  }

  /**
   * Lock (creating if needed) the customer's membership row for the rest of
   * the transaction, then end an override whose date has passed, so every
   * decision starts from the state in effect now.
   */
  protected async lockAndSettle_(
    customerId: string,
    now: Date,
    byId: Map<string, LoyaltyTier>,
    sharedContext: SharedContext
  ): Promise<{ row: MembershipRow; writes: MembershipWrite[] }> {
    let row = await lockMembership(transactionOf(sharedContext, WRITES), customerId)
    const writes: MembershipWrite[] = []
    if (row.override_id) {
      const [override] = await this.listTierOverrides(
        { id: row.override_id },
        { select: [...OVERRIDE_FIELDS], take: 1, withDeleted: true },
        sharedContext
      )
      if (override && overrideRunOut(override, now)) {
        const write = await this.endOverride_(row, override, now, byId, null, null, sharedContext)
        writes.push(write)
        row = { ...row, ...write.after }
      }
    }
    return { row, writes }
  }

  protected async endOverride_(
    row: MembershipRow,
    override: TierOverrideRecord,
    now: Date,
    byId: Map<string, LoyaltyTier>,
    actorId: string | null,
    reason: string | null,
    sharedContext: SharedContext
  ): Promise<MembershipWrite> {
    await this.updateTierOverrides(
      {
        id: override.id,
        ended_at: now,
        ended_by: actorId,
        end_reason: reason ?? (override.ends_at ? `Ended on ${isoDay(override.ends_at)} as planned` : "Ended"),
      },
      sharedContext
    )
    // Ended before anything else this transaction writes (a new override: one active per customer).
    await flushWrites(sharedContext)
    const earned = row.earned_tier_id ? byId.get(row.earned_tier_id) : null
    const write = await this.writeMembership_(
      row,
      { ...stateOf(row), override_id: null, tier_id: row.earned_tier_id },
      byId,
      {
        reason: "override_ended",
        note: actorId
          ? `Override ended by staff${reason ? `: ${reason}` : ""}; back to ${earned ? earned.name : "no tier"}`
          : `Override ended on ${isoDay(override.ends_at ?? now)}; back to ${earned ? earned.name : "no tier"}`,
        key: IdempotencyKeys.tierOverrideEnd(override.id),
        actor_type: actorId ? "admin" : "system",
        actor_id: actorId,
        details: { override_id: override.id },
      },
      sharedContext
    )
    return { ...write, ended_override_ids: [override.id] }
  }

  /** The membership with a newly decided earned tier; an override in effect stays the tier in effect. */
  protected async withEarnedTier_(
    row: MembershipRow,
    now: Date,
    earned: Pick<MembershipState, "earned_tier_id" | "qualified_at" | "qualified_until">,
    sharedContext: SharedContext
  ): Promise<MembershipState> {
    const override = await this.activeOverride_(row, now, sharedContext)
    return { ...stateOf(row), ...earned, tier_id: override ? override.tier_id : earned.earned_tier_id }
  }

  /** The customer's override in effect at `now`, if any. */
  protected async activeOverride_(
    row: Pick<MembershipState, "override_id">,
    now: Date,
    sharedContext: SharedContext
  ): Promise<TierOverrideRecord | null> {
    if (!row.override_id) return null
    const [override] = await this.listTierOverrides({ id: row.override_id }, { select: [...OVERRIDE_FIELDS], take: 1 }, sharedContext)
    return override && overrideInEffect(override, now) ? pickFields(override, OVERRIDE_FIELDS) : null
  }

  /**
   * Write the locked membership's new state and, when the tier in effect
   * changes, one history line. Returns what changed with the tiers' names,
   * ranks and groups for the workflow's effects, and the bonuses of the
   * earned tier's move (`earnedBonuses`), paid even when an override keeps
   * the tier in effect where it was.
   */
  protected async writeMembership_(
    row: MembershipRow,
    after: MembershipState,
    byId: Map<string, LoyaltyTier>,
    history: HistoryInput,
    sharedContext: SharedContext
  ): Promise<MembershipWrite> {
    const trx = transactionOf(sharedContext, WRITES)
    const before = stateOf(row)
    await updateMembershipState(trx, row.id, after)
    const tierOf = async (id: string | null) => (id ? byId.get(id) ?? (await this.anyTier_(id, sharedContext)) : null)
    const bonuses = earnedBonuses(byId.values(), await tierOf(before.earned_tier_id), await tierOf(after.earned_tier_id), history.reason)
    if (before.tier_id === after.tier_id) {
      return { customer_id: row.customer_id, before, after, changes: [], bonuses }
    }
    const from = await tierOf(before.tier_id)
    const to = await tierOf(after.tier_id)
    const { line, change } = historyLine(row.customer_id, from, to, byId.values(), history, before, after)
    await insertHistory(trx, line)
    return { customer_id: row.customer_id, before, after, changes: [change], bonuses }
  }

  /**
   * The qualifying activity of many customers, each in its own window ending
   * at `end` (`metrics_` for a page, one statement): every customer asked
   * for has an entry, empty when they did nothing.
   */
  protected async metricsOf_(
    windows: { customer_id: string; start: Date | null }[],
    settings: TierSettings,
    end: Date,
    sharedContext: SharedContext
  ): Promise<Map<string, ActivityMetrics>> {
    const out = new Map(windows.map((window) => [window.customer_id, noActivity()]))
    const rows = await activitySumsOf(knexOf(sharedContext), windows, end, windowExcludesStart(settings))
    for (const row of rows) addActivitySums(out.get(row.customer_id)!, row)
    return out
  }

  /** The live tiers, plus any of `ids` deleted since (history keeps their names), by id. */
  protected async tiersIncludingDeleted_(
    byId: Map<string, LoyaltyTier>,
    ids: (string | null)[],
    sharedContext: SharedContext
  ): Promise<Map<string, LoyaltyTier>> {
    const missing = [...new Set(ids.filter((id): id is string => !!id && !byId.has(id)))]
    if (!missing.length) return byId
    const deleted = await this.listTiers({ id: missing }, { select: [...TIER_FIELDS], take: null, withDeleted: true }, sharedContext)
    return new Map([...byId, ...deleted.map((tier): [string, LoyaltyTier] => [tier.id, pickFields(tier, TIER_FIELDS)])])
  }

  /** A customer's qualifying activity in the window the settings give it. */
  protected async metrics_(
    customerId: string,
    settings: TierSettings,
    start: Date | null,
    end: Date,
    sharedContext: SharedContext
  ): Promise<ActivityMetrics> {
    const rows = await activitySums(knexOf(sharedContext), customerId, { start, end, excludeStart: windowExcludesStart(settings) })
    return rows.reduce(addActivitySums, noActivity())
  }
}

// ---------------------------------------------------------------- helpers

function assertValidSet(tiers: Parameters<typeof validateTierSet>[0]) {
  assertNoProblems(validateTierSet(tiers))
}

function assertNoProblems(problems: string[]) {
  if (problems.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
  }
}

function findTier(tiers: LoyaltyTier[], id: string): LoyaltyTier {
  const tier = tiers.find((candidate) => candidate.id === id)
  if (!tier) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Tier ${id} was not found`)
  }
  return tier
}

const tierMap = (tiers: LoyaltyTier[]) => new Map(tiers.map((tier) => [tier.id, tier]))

/** The metrics of a customer with no activity (a fresh object: the sums are added into it). */
const noActivity = (): ActivityMetrics => ({ points: 0, orders: 0, spend: {}, oldest_at: null })

/**
 * The history a period-end review writes (`reviewCustomer`, the review
 * page), keyed by the period it ends: the note says what the period's
 * activity keeps, the details the metrics and their window.
 */
function reviewHistory(
  row: { customer_id: string; earned_tier_id: string | null },
  qualifiedUntil: Date,
  keeps: TierDefinition | null,
  activity: { metrics: TierMetrics; start: Date | null; now: Date },
  byId: Map<string, LoyaltyTier>
): HistoryInput {
  const previous = row.earned_tier_id ? byId.get(row.earned_tier_id) : null
  return {
    reason: "review",
    note: reviewNote(qualifiedUntil, keeps, activity.metrics, previous),
    key: IdempotencyKeys.tierReview(row.customer_id, qualifiedUntil),
    details: { metrics: activity.metrics, window: { start: activity.start, end: activity.now }, previous_qualified_until: qualifiedUntil },
  }
}

/**
 * The history line of a membership write whose tier in effect moves `from`
 * → `to`, and the change it announces (one id for both; the states before
 * and after kept in the line's details, to undo it). `ladder`: the live
 * tiers, for those a move up passes on the way (their bonuses).
 */
function historyLine(
  customerId: string,
  from: LoyaltyTier | null,
  to: LoyaltyTier | null,
  ladder: Iterable<LoyaltyTier>,
  history: HistoryInput,
  before: MembershipState,
  after: MembershipState
): { line: HistoryRow; change: TierChange } {
  const id = generateEntityId(undefined, "lthis")
  const { reason, note } = history
  return {
    line: {
      id,
      customer_id: customerId,
      ...historyTiers(from, to),
      reason,
      note,
      actor_type: history.actor_type ?? "system",
      actor_id: history.actor_id ?? null,
      qualified_until: after.qualified_until,
      details: { ...(history.details ?? {}), before, after },
      idempotency_key: history.key,
    },
    change: tierChange({
      history_id: id,
      customer_id: customerId,
      from,
      to,
      passed: passedTiers(ladder, from, to),
      reason,
      note,
      qualified_until: after.qualified_until,
    }),
  }
}
