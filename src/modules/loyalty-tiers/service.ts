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
import { addDays } from "../../lib/shared/dates"
import {
  comingDrop,
  decideOnActivity,
  decideOnReview,
  DEFAULT_TIER_SETTINGS,
  normalizeSpendThresholds,
  progressToNext,
  qualificationWindow,
  qualifyingTier,
  reviewDate,
  reviewWindowStart,
  standingAgainst,
  TIER_LIMITS,
  TierDefinition,
  TierMetrics,
  TierSettings,
  validateTierSet,
} from "../../lib/tiers/rules"
import TierActivity from "./models/activity"
import TierHistory from "./models/history"
import TierMembership from "./models/membership"
import TierOverride from "./models/override"
import TierSettingsModel from "./models/settings"
import Tier from "./models/tier"
import {
  ActivityInput,
  HISTORY_FIELDS,
  OVERRIDE_FIELDS,
  TIER_FIELDS,
  CustomerTierStatus,
  LoyaltyTier,
  LoyaltyTiersOptions,
  MembershipState,
  MembershipWrite,
  TierChange,
  TierChangeReason,
  TierHistoryEntry,
  TierInput,
  TierOverrideRecord,
  TierPreview,
  TierRef,
} from "./types"
import { TierExpiringEventData } from "../../lib/shared/events"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { tiersOptions } from "../../lib/shared/options"

type InjectedDependencies = Record<string, unknown>

type MembershipRow = MembershipState & { id: string; customer_id: string }

type HistoryInput = {
  reason: TierChangeReason
  note: string
  key: string
  actor_type?: "system" | "admin"
  actor_id?: string | null
  details?: Record<string, unknown>
}

const WRITES = "Tier writes"

/** Ranks are moved out of the way by this much while a reorder rewrites them. */
const RANK_SHIFT = 100_000

/**
 * Membership tiers. The module stores tiers, each customer's membership,
 * their tier history, staff overrides and the qualifying activity, and makes
 * every decision about one customer under a lock on that customer's
 * membership row: an upgrade, a period-end review and an override never race,
 * across server and worker processes. The rules themselves are the pure
 * functions of `src/lib/tiers.ts`. Effects outside the module (customer
 * groups, bonus points, events) are left to the workflows, which get every
 * change back with what it needs.
 */
export default class LoyaltyTiersModuleService extends MedusaService({
  Tier,
  TierMembership,
  TierHistory,
  TierOverride,
  TierActivity,
  TierSettings: TierSettingsModel,
}) {
  protected readonly options_: LoyaltyTiersOptions

  constructor(container: InjectedDependencies, options: LoyaltyTiersOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = options ?? {}
  }

  // ---------------------------------------------------------------- settings

  /** The qualification settings in force: the saved row, else the plugin options. */
  @InjectManager()
  async getSettings(@MedusaContext() sharedContext: SharedContext = {}): Promise<TierSettings> {
    const [row] = await this.listTierSettings({}, { select: ["window", "window_months", "grace_days"], take: 1 }, sharedContext)
    return row ? { window: row.window, window_months: row.window_months, grace_days: row.grace_days } : settingsFromOptions(this.options_)
  }

  /** Save the qualification settings; returns them with the previous ones (for a compensation). */
  @InjectTransactionManager()
  async saveSettings(
    changes: Partial<TierSettings>,
    actorId: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ settings: TierSettings; previous: TierSettings }> {
    await lockForSave(sharedContext, "loyalty_tier_settings", WRITES)
    const previous = await this.getSettings(sharedContext)
    const settings = { ...previous, ...changes }
    const problems = validateSettings(settings)
    if (problems.length) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
    }
    const [row] = await this.listTierSettings({}, { select: ["id"], take: 1 }, sharedContext)
    const values = { ...settings, updated_by: actorId }
    if (row) {
      await this.updateTierSettings({ id: row.id, ...values }, sharedContext)
    } else {
      await this.createTierSettings(values, sharedContext)
    }
    return { settings, previous }
  }

  // ---------------------------------------------------------------- tiers

  /** Live tiers, lowest rank first. */
  @InjectManager()
  async listTiersByRank(@MedusaContext() sharedContext: SharedContext = {}): Promise<LoyaltyTier[]> {
    return await this.tiers_(knexOf(sharedContext))
  }

  /**
   * Add a tier (at the top unless a rank is given). The whole set is
   * validated with the new tier in it, under a table lock so two admins
   * cannot together create an invalid set.
   */
  @InjectTransactionManager()
  async createTier(input: TierInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<LoyaltyTier> {
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    const tiers = await this.tiers_(trx)
    const candidate = tierValues({
      ...input,
      rank: input.rank ?? Math.max(0, ...tiers.map((tier) => tier.rank)) + 1,
    })
    assertValidSet([...tiers, { id: "new", ...candidate }])
    const [row] = await trx<LoyaltyTier>("loyalty_tier")
      .insert({ id: generateEntityId(undefined, "ltier"), ...candidate })
      .returning([...TIER_FIELDS])
    return tierOf(row)
  }

  /** Change a tier; the set is validated as it would be after the change. Returns the tier before too. */
  @InjectTransactionManager()
  async updateTier(
    id: string,
    changes: Partial<TierInput>,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ tier: LoyaltyTier; previous: LoyaltyTier }> {
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    const tiers = await this.tiers_(trx)
    const previous = findTier(tiers, id)
    const next = tierValues({ ...previous, ...changes })
    assertValidSet(tiers.map((tier) => (tier.id === id ? { ...next, id } : tier)))
    const [row] = await trx<LoyaltyTier>("loyalty_tier")
      .where({ id })
      .update({ ...next, updated_at: trx.fn.now() })
      .returning([...TIER_FIELDS])
    return { tier: tierOf(row), previous }
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
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    const tiers = await this.tiers_(trx)
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
    await this.writeRanks_(trx, ranks)
    return { tiers: await this.tiers_(trx), previous: tiers.map(({ id, rank }) => ({ id, rank })) }
  }

  /** Put ranks back as they were (a reorder's compensation). */
  @InjectTransactionManager()
  async restoreRanks(
    ranks: { id: string; rank: number }[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    await this.writeRanks_(trx, new Map(ranks.map(({ id, rank }) => [id, rank])))
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
    await lockTiers(trx)
    await setLockTimeout(trx)
    const tiers = await this.tiers_(trx)
    const tier = findTier(tiers, id)
    const members = await trx<MembershipRow>("loyalty_tier_membership")
      .whereNull("deleted_at")
      .where((q) => q.where({ tier_id: id }).orWhere({ earned_tier_id: id }))
      .orderBy("customer_id")
      .forUpdate()
    const overrides: { id: string }[] = await trx("loyalty_tier_override")
      .select("id")
      .where({ tier_id: id })
      .whereNull("ended_at")
      .whereNull("deleted_at")
      .forUpdate()
    if ((members.length || overrides.length) && moveTo === undefined) {
      const count = Math.max(members.length, overrides.length)
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `"${tier.name}" has ${count} member${count === 1 ? "" : "s"}: move them to another tier (move_members_to) before deleting it`
      )
    }
    if (moveTo === id) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `Members of "${tier.name}" cannot move to the tier being deleted`)
    }
    const target = moveTo ? findTier(tiers, moveTo) : null
    if (overrides.length) {
      await trx("loyalty_tier_override")
        .whereIn(
          "id",
          overrides.map((o) => o.id)
        )
        .update({ tier_id: target?.id ?? null, updated_at: trx.fn.now() })
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
        await this.writeMembership_(trx, member, after, byId, {
          reason: "tier_deleted",
          note: target
            ? `"${tier.name}" was deleted; its members moved to "${target.name}"`
            : `"${tier.name}" was deleted; its members have no tier now`,
          key: IdempotencyKeys.tierDeleted(id, member.customer_id),
        })
      )
    }
    await trx("loyalty_tier").where({ id }).update({ deleted_at: now, updated_at: trx.fn.now() })
    return { tier, target, writes, override_ids: overrides.map((o) => o.id) }
  }

  /** Undo `deleteTier`: the tier comes back, and so do its members and overrides (a compensation). */
  @InjectTransactionManager()
  async undoDeleteTier(
    removal: { tier_id: string; writes: MembershipWrite[]; override_ids: string[] },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    await trx("loyalty_tier").where({ id: removal.tier_id }).update({ deleted_at: null, updated_at: trx.fn.now() })
    if (removal.override_ids.length) {
      await trx("loyalty_tier_override").whereIn("id", removal.override_ids).update({ tier_id: removal.tier_id })
    }
    for (const write of removal.writes) {
      await this.restore_(trx, write)
    }
  }

  /** Take back a tier created by a step that is being compensated (only while nobody is in it). */
  @InjectTransactionManager()
  async undoCreateTier(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    const used = await trx("loyalty_tier_membership")
      .where((q) => q.where({ tier_id: id }).orWhere({ earned_tier_id: id }))
      .first()
    if (!used) {
      await trx("loyalty_tier").where({ id }).delete()
    }
  }

  /** Put a tier's fields back as they were (an edit's compensation). */
  @InjectTransactionManager()
  async undoUpdateTier(tier: LoyaltyTier, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    await lockTiers(trx)
    await trx("loyalty_tier")
      .where({ id: tier.id })
      .update({ ...tierValues(tier), updated_at: trx.fn.now() })
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
    const trx = transactionOf(sharedContext, WRITES)
    const id = generateEntityId(undefined, "ltact")
    const inserted = await trx.raw(
      `INSERT INTO loyalty_tier_activity
         (id, customer_id, order_id, currency_code, points, amount, raw_amount, orders, occurred_at, source_id, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (idempotency_key) WHERE deleted_at IS NULL DO NOTHING
       RETURNING id`,
      [
        id,
        input.customer_id,
        input.order_id,
        input.currency_code?.toLowerCase() ?? null,
        input.points,
        input.amount,
        JSON.stringify({ value: String(input.amount), precision: 20 }),
        input.orders,
        input.occurred_at,
        input.source_id,
        input.idempotency_key,
      ]
    )
    if (inserted.rows.length) {
      return { id, created: true }
    }
    const existing = await trx("loyalty_tier_activity").select("id").where({ idempotency_key: input.idempotency_key }).first()
    return { id: existing.id, created: false }
  }

  /** Remove activity written by a step that is being compensated. */
  @InjectTransactionManager()
  async discardActivity(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await this.deleteTierActivities(id, sharedContext)
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
    return await this.metrics_(knexOf(sharedContext), customerId, start, end, windowBounds(settings))
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
    const { trx, settings, tiers, byId, row, writes } = await this.decisionContext_(sharedContext, customerId, now)
    const window = qualificationWindow(settings, now)
    const metrics = await this.metrics_(trx, customerId, window.start, now, windowBounds(settings))
    const decision = decideOnActivity({
      tiers,
      earned: (row.earned_tier_id && byId.get(row.earned_tier_id)) || null,
      qualified_until: row.qualified_until,
      metrics,
      settings,
      now,
    })
    if (!decision) {
      return mergeWrites(customerId, writes)
    }
    const earnedTierId = decision.kind === "upgrade" ? decision.tier.id : row.earned_tier_id
    const after = await this.withEarnedTier_(trx, row, now, {
      earned_tier_id: earnedTierId,
      qualified_at: now,
      qualified_until: decision.qualified_until,
    })
    const reached = byId.get(earnedTierId!)!
    writes.push(
      await this.writeMembership_(trx, row, after, byId, {
        reason: "qualified",
        note: `Reached ${reached.name}: ${describeMetrics(reached, metrics)}`,
        key: IdempotencyKeys.tierQualified(customerId, reached.id, now),
        details: { metrics, window, decision: decision.kind },
      })
    )
    return mergeWrites(customerId, writes)
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
    const { trx, settings, tiers, byId, row, writes } = await this.decisionContext_(sharedContext, customerId, now)
    const due = reviewDate(settings, row.qualified_until)
    if (!row.qualified_until || !due || due > now) {
      return mergeWrites(customerId, writes)
    }
    const start = reviewWindowStart(settings, row.qualified_until)
    // A rolling period excludes its start: the activity that reached the tier
    // when the period began belongs to that period, not to the next one.
    const metrics = await this.metrics_(trx, customerId, start, now, windowBounds(settings))
    const decision = decideOnReview({ tiers, metrics, settings, qualified_until: row.qualified_until, now })
    const earnedTierId = decision.tier?.id ?? null
    const after = await this.withEarnedTier_(trx, row, now, {
      earned_tier_id: earnedTierId,
      qualified_at: earnedTierId === row.earned_tier_id ? row.qualified_at : earnedTierId ? now : null,
      qualified_until: decision.qualified_until,
    })
    const previous = row.earned_tier_id ? byId.get(row.earned_tier_id) : null
    writes.push(
      await this.writeMembership_(trx, row, after, byId, {
        reason: "review",
        note: decision.tier
          ? `Period ended ${isoDay(row.qualified_until)}: ${describeMetrics(decision.tier, metrics)} keeps ${decision.tier.name}`
          : `Period ended ${isoDay(row.qualified_until)}: the activity reaches no tier${previous ? ` (${previous.name} needs ${describeThreshold(previous)})` : ""}`,
        key: IdempotencyKeys.tierReview(customerId, row.qualified_until),
        details: { metrics, window: { start, end: now }, previous_qualified_until: row.qualified_until },
      })
    )
    return mergeWrites(customerId, writes)
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
    const trx = transactionOf(sharedContext, WRITES)
    const tiers = await this.tiers_(trx)
    const byId = tierMap(tiers)
    if (input.tier_id) findTier(tiers, input.tier_id)
    if (input.ends_at && input.ends_at <= input.now) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "ends_at must be in the future")
    }
    const { row, writes } = await this.lockAndSettle_(trx, input.customer_id, input.now, byId)
    const ended: string[] = []
    if (row.override_id) {
      await trx("loyalty_tier_override").where({ id: row.override_id }).whereNull("ended_at").update({
        ended_at: input.now,
        ended_by: input.actor_id,
        end_reason: "Replaced by a new override",
        updated_at: trx.fn.now(),
      })
      ended.push(row.override_id)
    }
    const [override] = await trx<TierOverrideRecord>("loyalty_tier_override")
      .insert({
        id: generateEntityId(undefined, "ltovr"),
        customer_id: input.customer_id,
        tier_id: input.tier_id,
        reason: input.reason,
        created_by: input.actor_id,
        ends_at: input.ends_at,
      })
      .returning([...OVERRIDE_FIELDS])
    const target = input.tier_id ? byId.get(input.tier_id)! : null
    writes.push(
      await this.writeMembership_(
        trx,
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
        }
      )
    )
    return {
      ...mergeWrites(input.customer_id, writes),
      created_override_id: override.id,
      ended_override_ids: [...(writes.flatMap((w) => w.ended_override_ids ?? [])), ...ended],
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
    const trx = transactionOf(sharedContext, WRITES)
    const byId = tierMap(await this.tiers_(trx))
    const { row, writes } = await this.lockAndSettle_(trx, input.customer_id, input.now, byId)
    if (writes.length) {
      return mergeWrites(input.customer_id, writes)
    }
    const override = await this.activeOverride_(trx, row, input.now)
    if (!override) return null
    return await this.endOverride_(trx, row, override, input.now, byId, input.actor_id, input.reason)
  }

  /**
   * Undo what one write did to a customer (a compensation): the membership
   * goes back if nobody changed it since, its history lines are withdrawn and
   * overrides it created or ended are taken back.
   */
  @InjectTransactionManager()
  async restoreMembership(write: MembershipWrite, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await this.restore_(transactionOf(sharedContext, WRITES), write)
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
    return await dueIds(
      sharedContext,
      (knex) =>
        knex("loyalty_tier_membership").where("qualified_until", "<=", addDays(now, -settings.grace_days)).whereNull("deleted_at"),
      { at: "qualified_until", id: "customer_id" },
      { after, limit }
    )
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
    const settings = await this.getSettings(sharedContext)
    const tiers = await this.tiers_(trx)
    const byId = tierMap(tiers)
    const now = new Date(input.now)
    // Reviewed at qualified_until + grace_days, wanted within (now, now + days].
    const rows: (MembershipRow & { drop_reminded_for: Date | null })[] = await trx("loyalty_tier_membership")
      .select("id", "customer_id", "earned_tier_id", "qualified_until", "drop_reminded_for")
      .whereNull("deleted_at")
      .whereNotNull("earned_tier_id")
      .whereNull("override_id")
      .where("qualified_until", ">", addDays(now, -settings.grace_days))
      .where("qualified_until", "<=", addDays(now, input.days - settings.grace_days))
      .where((q) => q.whereNull("drop_reminded_for").orWhereRaw("drop_reminded_for <> qualified_until"))
      .modify((q) => (input.after ? q.where("customer_id", ">", input.after) : q))
      .orderBy("customer_id")
      .limit(input.limit)
      .forUpdate()
      .skipLocked()
    const reminders: TierExpiringEventData[] = []
    const marked: string[] = []
    for (const row of rows) {
      const earned = byId.get(row.earned_tier_id!)
      const qualifiedUntil = new Date(row.qualified_until!)
      if (!earned) continue
      const start = reviewWindowStart(settings, qualifiedUntil)
      const metrics = await this.metrics_(trx, row.customer_id, start, now, windowBounds(settings))
      const drop = comingDrop({ tiers, earned, metrics })
      if (!drop) continue
      marked.push(row.id)
      reminders.push({
        id: IdempotencyKeys.tierDropReminder(row.id, qualifiedUntil),
        customer_id: row.customer_id,
        tier: tierRef(earned),
        keeps: drop.keeps ? tierRef(drop.keeps) : null,
        qualified_until: qualifiedUntil.toISOString(),
        drops_at: reviewDate(settings, qualifiedUntil)!.toISOString(),
        ...standingAgainst(earned, metrics),
      })
    }
    if (marked.length) {
      await trx("loyalty_tier_membership")
        .whereIn("id", marked)
        .update({ drop_reminded_for: trx.ref("qualified_until"), updated_at: trx.fn.now() })
    }
    return { reminders, scanned: rows.length, last: rows.length ? rows[rows.length - 1].customer_id : null }
  }

  /** Undo `claimTierDropReminders` for these members (their events could not be emitted). */
  @InjectTransactionManager()
  async unclaimTierDropReminders(customerIds: string[], @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const trx = transactionOf(sharedContext, WRITES)
    await trx("loyalty_tier_membership").whereIn("customer_id", customerIds).update({ drop_reminded_for: null })
  }

  /** One page of customers whose override's end date has passed, in keyset order (end date, override). */
  @InjectManager()
  async listDueOverrides(
    now: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    const knex = knexOf(sharedContext)
    const rows: { customer_id: string; cursor_at: string; cursor_id: string }[] = await keysetAfter(
      knex,
      knex("loyalty_tier_override").select("customer_id").whereNull("ended_at").where("ends_at", "<=", now).whereNull("deleted_at"),
      { at: "ends_at", id: "id" },
      after,
      limit
    )
    return duePage(rows, limit, (page) => page.map((row) => row.customer_id))
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
    const knex = knexOf(sharedContext)
    const from = windowBounds(await this.getSettings(sharedContext)).exclusiveStart ? ">" : ">="
    const { rows } = await knex.raw(
      `WITH page AS (
         SELECT DISTINCT customer_id FROM loyalty_tier_activity
          WHERE deleted_at IS NULL AND occurred_at <= :end
            ${start ? `AND occurred_at ${from} :start` : ""} ${after ? "AND customer_id > :after" : ""}
          ORDER BY customer_id LIMIT :limit)
       SELECT a.customer_id, a.currency_code, sum(a.points)::bigint AS points, sum(a.orders)::bigint AS orders,
              sum(a.amount) AS amount
         FROM loyalty_tier_activity a JOIN page p ON p.customer_id = a.customer_id
        WHERE a.deleted_at IS NULL AND a.occurred_at <= :end ${start ? `AND a.occurred_at ${from} :start` : ""}
        GROUP BY a.customer_id, a.currency_code
        ORDER BY a.customer_id`,
      { end, limit, ...(start ? { start } : {}), ...(after ? { after } : {}) }
    )
    const byCustomer = new Map<string, TierMetrics>()
    for (const row of rows as MetricsRow[]) {
      const metrics = byCustomer.get(row.customer_id) ?? { points: 0, orders: 0, spend: {} }
      addMetricsRow(metrics, row)
      byCustomer.set(row.customer_id, metrics)
    }
    return [...byCustomer.entries()].map(([customer_id, metrics]) => ({ customer_id, metrics }))
  }

  /** Earned tier ids of these customers (absent = no membership row). */
  @InjectManager()
  async earnedTiers(
    customerIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Map<string, string | null>> {
    return await this.membershipTiers_(customerIds, "earned_tier_id", sharedContext)
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

  /** The tier in effect of these customers (absent = no membership row). */
  @InjectManager()
  async tiersInEffect(
    customerIds: string[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Map<string, string | null>> {
    return await this.membershipTiers_(customerIds, "tier_id", sharedContext)
  }

  /** One tier column of these customers' membership rows, by customer. */
  protected async membershipTiers_(
    customerIds: string[],
    column: "tier_id" | "earned_tier_id",
    sharedContext: SharedContext
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
    const knex = knexOf(sharedContext)
    const row = await knex<LoyaltyTier>({ m: "loyalty_tier_membership" })
      .leftJoin({ o: "loyalty_tier_override" }, (on) =>
        on
          .on("o.id", "m.override_id")
          .onNull("o.deleted_at")
          .onNull("o.ended_at")
          .andOn((active) => active.onNull("o.ends_at").orOn("o.ends_at", ">", knex.raw("?", [now])))
      )
      // An active override's tier (none: no tier), else the earned one.
      .join({ t: "loyalty_tier" }, "t.id", knex.raw('CASE WHEN "o"."id" IS NULL THEN "m"."earned_tier_id" ELSE "o"."tier_id" END'))
      .select(TIER_FIELDS.map((field) => `t.${field}`))
      .where("m.customer_id", customerId)
      .whereNull("m.deleted_at")
      .whereNull("t.deleted_at")
      .first()
    return row ? tierOf(row) : null
  }

  /** Everything a customer or staff see about a customer's tier at `now`. */
  @InjectManager()
  async customerStatus(
    customerId: string,
    now: Date,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<CustomerTierStatus> {
    const knex = knexOf(sharedContext)
    const settings = await this.getSettings(sharedContext)
    const tiers = await this.tiers_(knex)
    const byId = tierMap(tiers)
    const [row] = await this.listTierMemberships({ customer_id: customerId }, { take: 1 }, sharedContext)
    const override = row ? await this.activeOverride_(knex, row, now) : null
    const earned = (row?.earned_tier_id && byId.get(row.earned_tier_id)) || null
    const current = override ? (override.tier_id ? byId.get(override.tier_id) ?? null : null) : earned
    const window = qualificationWindow(settings, now)
    const { oldest_at, ...metrics } = await this.metrics_(knex, customerId, window.start, now, windowBounds(settings))
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

  /** A customer's tier history, newest first. */
  @InjectManager()
  async customerHistory(
    customerId: string,
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ history: TierHistoryEntry[]; has_more: boolean }> {
    const rows = await this.listTierHistories(
      { customer_id: customerId },
      { select: [...HISTORY_FIELDS], order: { created_at: "DESC", id: "DESC" }, take: page.limit + 1, skip: page.offset },
      sharedContext
    )
    return { history: rows.slice(0, page.limit), has_more: rows.length > page.limit }
  }

  /** A customer's overrides, newest first. */
  @InjectManager()
  async customerOverrides(
    customerId: string,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<TierOverrideRecord[]> {
    return await this.listTierOverrides(
      { customer_id: customerId },
      { select: [...OVERRIDE_FIELDS], order: { created_at: "DESC" }, take: limit },
      sharedContext
    )
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
    const { rows }: { rows: { tier_id: string; count: string }[] } = await knexOf(sharedContext).raw(
      `SELECT x.tier_id, count(*) AS count FROM (
         SELECT CASE WHEN m.override_id IS NOT NULL
                      AND (o.id IS NULL OR o.ended_at IS NOT NULL OR (o.ends_at IS NOT NULL AND o.ends_at <= ?))
                     THEN m.earned_tier_id ELSE m.tier_id END AS tier_id
           FROM loyalty_tier_membership m
           LEFT JOIN loyalty_tier_override o ON o.id = m.override_id AND o.deleted_at IS NULL
          WHERE m.deleted_at IS NULL
       ) x WHERE x.tier_id IS NOT NULL GROUP BY x.tier_id`,
      [now]
    )
    return new Map(rows.map((row) => [row.tier_id, Number(row.count)]))
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
    const saved = await this.tiers_(knexOf(sharedContext))
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
    for (let after: string | null = null; ; ) {
      const page = await this.metricsPage(window.start, now, after, 1000, sharedContext)
      if (!page.length) break
      for (const { metrics } of page) {
        customers++
        const tier = qualifyingTier(tiers, metrics)
        if (tier) qualifying.set(tier.id, (qualifying.get(tier.id) ?? 0) + 1)
        else without++
      }
      after = page[page.length - 1].customer_id
    }
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

  protected async tiers_(knex: Knex | Knex.Transaction): Promise<LoyaltyTier[]> {
    const rows = await knex<LoyaltyTier>("loyalty_tier").select([...TIER_FIELDS]).whereNull("deleted_at").orderBy("rank", "asc")
    return rows.map(tierOf)
  }

  protected async writeRanks_(trx: Knex.Transaction, ranks: Map<string, number>): Promise<void> {
    // Two passes: ranks are unique, so a swap would collide half-way.
    await trx("loyalty_tier")
      .whereIn("id", [...ranks.keys()])
      .update({ rank: trx.raw("rank + ?", [RANK_SHIFT]) })
    for (const [id, rank] of ranks) {
      await trx("loyalty_tier").where({ id }).update({ rank, updated_at: trx.fn.now() })
    }
  }

  /**
   * Lock (creating if needed) the customer's membership row for the rest of
   * the transaction, then end an override whose date has passed, so every
   * decision starts from the state in effect now.
   */
  protected async lockAndSettle_(
    trx: Knex.Transaction,
    customerId: string,
    now: Date,
    byId: Map<string, LoyaltyTier>
  ): Promise<{ row: MembershipRow; writes: MembershipWrite[] }> {
    await setLockTimeout(trx)
    const select = () =>
      trx<MembershipRow>("loyalty_tier_membership").where({ customer_id: customerId }).whereNull("deleted_at").forUpdate().first()
    let raw = await select()
    if (!raw) {
      await trx.raw(
        `INSERT INTO loyalty_tier_membership (id, customer_id) VALUES (?, ?)
         ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO NOTHING`,
        [generateEntityId(undefined, "ltmem"), customerId]
      )
      raw = await select()
    }
    let row = raw!
    const writes: MembershipWrite[] = []
    if (row.override_id) {
      const override = await trx<TierOverrideRecord>("loyalty_tier_override").select([...OVERRIDE_FIELDS]).where({ id: row.override_id }).first()
      if (override && !override.ended_at && override.ends_at && override.ends_at <= now) {
        const write = await this.endOverride_(trx, row, override, now, byId, null, null)
        writes.push(write)
        row = { ...row, ...write.after }
      }
    }
    return { row, writes }
  }

  protected async endOverride_(
    trx: Knex.Transaction,
    row: MembershipRow,
    override: TierOverrideRecord,
    now: Date,
    byId: Map<string, LoyaltyTier>,
    actorId: string | null,
    reason: string | null
  ): Promise<MembershipWrite> {
    await trx("loyalty_tier_override")
      .where({ id: override.id })
      .update({
        ended_at: now,
        ended_by: actorId,
        end_reason: reason ?? (override.ends_at ? `Ended on ${isoDay(override.ends_at)} as planned` : "Ended"),
        updated_at: trx.fn.now(),
      })
    const earned = row.earned_tier_id ? byId.get(row.earned_tier_id) : null
    const write = await this.writeMembership_(
      trx,
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
      }
    )
    return { ...write, ended_override_ids: [override.id] }
  }

  /**
   * What a decision about one customer starts from: the settings, the tiers,
   * and the customer's membership locked and settled (`lockAndSettle_`).
   */
  protected async decisionContext_(sharedContext: SharedContext, customerId: string, now: Date) {
    const trx = transactionOf(sharedContext, WRITES)
    const settings = await this.getSettings(sharedContext)
    const tiers = await this.tiers_(trx)
    const byId = tierMap(tiers)
    const { row, writes } = await this.lockAndSettle_(trx, customerId, now, byId)
    return { trx, settings, tiers, byId, row, writes }
  }

  /** The membership with a newly decided earned tier; an override in effect stays the tier in effect. */
  protected async withEarnedTier_(
    trx: Knex.Transaction,
    row: MembershipRow,
    now: Date,
    earned: Pick<MembershipState, "earned_tier_id" | "qualified_at" | "qualified_until">
  ): Promise<MembershipState> {
    const override = await this.activeOverride_(trx, row, now)
    return { ...stateOf(row), ...earned, tier_id: override ? override.tier_id : earned.earned_tier_id }
  }

  /** The customer's override in effect at `now`, if any. */
  protected async activeOverride_(
    knex: Knex | Knex.Transaction,
    row: MembershipRow,
    now: Date
  ): Promise<TierOverrideRecord | null> {
    if (!row.override_id) return null
    const override = await knex<TierOverrideRecord>("loyalty_tier_override")
      .select([...OVERRIDE_FIELDS])
      .where({ id: row.override_id })
      .whereNull("deleted_at")
      .first()
    if (!override) return null
    if (override.ended_at || (override.ends_at && override.ends_at <= now)) return null
    return override
  }

  /**
   * Write the membership's new state and, when the tier in effect changes,
   * one history line. Returns what changed with the tiers' names, ranks and
   * groups for the workflow's effects.
   */
  protected async writeMembership_(
    trx: Knex.Transaction,
    row: MembershipRow,
    after: MembershipState,
    byId: Map<string, LoyaltyTier>,
    history: HistoryInput
  ): Promise<MembershipWrite> {
    const before = stateOf(row)
    await trx("loyalty_tier_membership")
      .where({ id: row.id })
      .update({ ...after, updated_at: trx.fn.now() })
    if (before.tier_id === after.tier_id) {
      return { customer_id: row.customer_id, before, after, changes: [] }
    }
    const from = before.tier_id ? byId.get(before.tier_id) ?? (await this.anyTier_(trx, before.tier_id)) : null
    const to = after.tier_id ? byId.get(after.tier_id) ?? (await this.anyTier_(trx, after.tier_id)) : null
    const historyId = generateEntityId(undefined, "lthis")
    await trx("loyalty_tier_history").insert({
      id: historyId,
      customer_id: row.customer_id,
      from_tier_id: from?.id ?? null,
      from_tier_name: from?.name ?? null,
      to_tier_id: to?.id ?? null,
      to_tier_name: to?.name ?? null,
      reason: history.reason,
      note: history.note,
      actor_type: history.actor_type ?? "system",
      actor_id: history.actor_id ?? null,
      qualified_until: after.qualified_until,
      details: { ...(history.details ?? {}), before, after },
      idempotency_key: history.key,
      created_at: trx.raw("clock_timestamp()"),
      updated_at: trx.raw("clock_timestamp()"),
    })
    const up = (to?.rank ?? 0) > (from?.rank ?? 0)
    const change: TierChange = {
      history_id: historyId,
      customer_id: row.customer_id,
      from: from ? tierRef(from) : null,
      to: to ? tierRef(to) : null,
      reason: history.reason,
      direction: up ? "up" : "down",
      note: history.note,
      qualified_until: after.qualified_until,
      from_group_id: from?.customer_group_id ?? null,
      to_group_id: to?.customer_group_id ?? null,
      bonus_points: up && (history.reason === "qualified" || history.reason === "review") ? to?.bonus_points ?? 0 : 0,
    }
    return { customer_id: row.customer_id, before, after, changes: [change] }
  }

  /** A tier by id, deleted or not (history of a deleted tier keeps its name). */
  protected async anyTier_(knex: Knex | Knex.Transaction, id: string): Promise<LoyaltyTier | null> {
    const row = await knex<LoyaltyTier>("loyalty_tier").select([...TIER_FIELDS]).where({ id }).first()
    return row ? tierOf(row) : null
  }

  protected async restore_(trx: Knex.Transaction, write: MembershipWrite): Promise<void> {
    await setLockTimeout(trx)
    const raw = await trx<MembershipRow>("loyalty_tier_membership")
      .where({ customer_id: write.customer_id })
      .whereNull("deleted_at")
      .forUpdate()
      .first()
    if (!raw) return
    const current = stateOf(raw)
    // Somebody changed the membership since: theirs is newer, leave it.
    if (!sameState(current, write.after)) return
    await trx("loyalty_tier_membership")
      .where({ id: raw.id })
      .update({ ...write.before, updated_at: trx.fn.now() })
    const historyIds = write.changes.map((change) => change.history_id)
    if (historyIds.length) {
      await trx("loyalty_tier_history").whereIn("id", historyIds).update({ deleted_at: trx.fn.now() })
    }
    if (write.created_override_id) {
      await trx("loyalty_tier_override").where({ id: write.created_override_id }).update({ deleted_at: trx.fn.now() })
    }
    if (write.ended_override_ids?.length) {
      await trx("loyalty_tier_override")
        .whereIn("id", write.ended_override_ids)
        .update({ ended_at: null, ended_by: null, end_reason: null })
    }
  }

  protected async metrics_(
    knex: Knex | Knex.Transaction,
    customerId: string,
    start: Date | null,
    end: Date,
    { exclusiveStart = false } = {}
  ): Promise<TierMetrics & { oldest_at: Date | null }> {
    const query = knex("loyalty_tier_activity")
      .select("currency_code")
      .select(
        knex.raw("coalesce(sum(points), 0)::bigint as points"),
        knex.raw("coalesce(sum(orders), 0)::bigint as orders"),
        knex.raw("coalesce(sum(amount), 0) as amount"),
        knex.raw("min(occurred_at) as oldest_at")
      )
      .where({ customer_id: customerId })
      .whereNull("deleted_at")
      .where("occurred_at", "<=", end)
      .groupBy("currency_code")
    if (start) query.where("occurred_at", exclusiveStart ? ">" : ">=", start)
    const rows: (MetricsRow & { oldest_at: Date | null })[] = await query
    const metrics: TierMetrics = { points: 0, orders: 0, spend: {} }
    let oldest: Date | null = null
    for (const row of rows) {
      addMetricsRow(metrics, row)
      const at = row.oldest_at ? new Date(row.oldest_at) : null
      if (at && (!oldest || at < oldest)) oldest = at
    }
    return { ...metrics, oldest_at: oldest }
  }
}

// ---------------------------------------------------------------- helpers

type MetricsRow = {
  customer_id: string
  currency_code: string | null
  points: string | number
  orders: string | number
  amount: string | number
}

function addMetricsRow(metrics: TierMetrics, row: Omit<MetricsRow, "customer_id">) {
  metrics.points += Number(row.points)
  metrics.orders += Number(row.orders)
  if (row.currency_code) {
    const amount = Number(row.amount)
    metrics.spend[row.currency_code] = Number(((metrics.spend[row.currency_code] ?? 0) + amount).toFixed(4))
  }
}

/**
 * A rolling window is (start, end]: at the end of a period, the activity that
 * began it has left the window, whether a review or an upgrade looks. A
 * calendar window is [start, end].
 */
const windowBounds = (settings: TierSettings) => ({ exclusiveStart: settings.window === "rolling" })

/** Serializes tier-set changes: validation sees the set every other writer will. */
async function lockTiers(trx: Knex.Transaction) {
  await trx.raw("LOCK TABLE loyalty_tier IN SHARE ROW EXCLUSIVE MODE")
}

export function settingsFromOptions(pluginOptions: LoyaltyTiersOptions = {}): TierSettings {
  const options = tiersOptions(pluginOptions)
  return {
    window: options.window ?? DEFAULT_TIER_SETTINGS.window,
    window_months: options.windowMonths ?? DEFAULT_TIER_SETTINGS.window_months,
    grace_days: options.graceDays ?? DEFAULT_TIER_SETTINGS.grace_days,
  }
}

function validateSettings(settings: TierSettings): string[] {
  const problems: string[] = []
  if (!["rolling", "calendar_year", "lifetime"].includes(settings.window)) {
    problems.push(`window must be rolling, calendar_year or lifetime`)
  }
  if (!Number.isInteger(settings.window_months) || settings.window_months < 1 || settings.window_months > TIER_LIMITS.max_window_months) {
    problems.push(`window_months must be a whole number from 1 to ${TIER_LIMITS.max_window_months}`)
  }
  if (!Number.isInteger(settings.grace_days) || settings.grace_days < 0 || settings.grace_days > TIER_LIMITS.max_grace_days) {
    problems.push(`grace_days must be a whole number from 0 to ${TIER_LIMITS.max_grace_days}`)
  }
  return problems
}

function assertValidSet(tiers: Parameters<typeof validateTierSet>[0]) {
  const problems = validateTierSet(tiers)
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

const tierRef = (tier: Pick<LoyaltyTier, "id" | "name" | "rank">): TierRef => ({
  id: tier.id,
  name: tier.name,
  rank: tier.rank,
})

/**
 * A tier's stored values with the field of the other metric cleared: a spend
 * tier has no `threshold`, a points or orders tier no `spend_thresholds`.
 */
function tierValues(input: TierInput & { rank: number }): Omit<TierDefinition, "id"> & {
  metadata: Record<string, unknown> | null
} {
  const spend = input.metric === "spend"
  return {
    name: input.name.trim(),
    rank: input.rank,
    metric: input.metric,
    threshold: spend ? null : input.threshold ?? null,
    spend_thresholds: spend ? normalizeSpendThresholds(input.spend_thresholds) : null,
    earn_multiplier: Number(input.earn_multiplier ?? 1),
    perks: input.perks?.trim() || null,
    customer_group_id: input.customer_group_id || null,
    bonus_points: input.bonus_points ?? 0,
    metadata: input.metadata ?? null,
  }
}


/** A tier as read: `earn_multiplier` is a float4 column, and 1.1 reads back as 1.100000023841858. */
const tierOf = (row: LoyaltyTier): LoyaltyTier => ({ ...row, earn_multiplier: Number(Number(row.earn_multiplier).toFixed(4)) })


const toDate = (value: unknown) => (value ? new Date(value as string) : null)


function stateOf(row: MembershipState): MembershipState {
  return {
    tier_id: row.tier_id,
    earned_tier_id: row.earned_tier_id,
    qualified_at: toDate(row.qualified_at),
    qualified_until: toDate(row.qualified_until),
    override_id: row.override_id,
  }
}

function sameState(a: MembershipState, b: MembershipState): boolean {
  const time = (d: Date | string | null) => (d ? new Date(d).getTime() : null)
  return (
    a.tier_id === b.tier_id &&
    a.earned_tier_id === b.earned_tier_id &&
    a.override_id === b.override_id &&
    time(a.qualified_at) === time(b.qualified_at) &&
    time(a.qualified_until) === time(b.qualified_until)
  )
}

function mergeWrites(customerId: string, writes: MembershipWrite[]): MembershipWrite {
  if (!writes.length) {
    return { customer_id: customerId, before: emptyState(), after: emptyState(), changes: [] }
  }
  return {
    customer_id: customerId,
    before: writes[0].before,
    after: writes[writes.length - 1].after,
    changes: writes.flatMap((write) => write.changes),
    created_override_id: writes.map((write) => write.created_override_id).find(Boolean) ?? null,
    ended_override_ids: writes.flatMap((write) => write.ended_override_ids ?? []),
  }
}

const emptyState = (): MembershipState => ({
  tier_id: null,
  earned_tier_id: null,
  qualified_at: null,
  qualified_until: null,
  override_id: null,
})



const isoDay = (date: Date) => new Date(date).toISOString().slice(0, 10)

function describeThreshold(tier: TierDefinition): string {
  if (tier.metric === "spend") {
    return Object.entries(tier.spend_thresholds ?? {})
      .map(([code, value]) => `${value} ${code.toUpperCase()}`)
      .join(" or ")
  }
  return `${tier.threshold} ${tier.metric}`
}

/** "1200 points of 1000", "3 orders of 3", "520 EUR of 500 EUR". */
function describeMetrics(tier: TierDefinition, metrics: TierMetrics): string {
  switch (tier.metric) {
    case "points":
      return `${metrics.points} points of ${tier.threshold}`
    case "orders":
      return `${metrics.orders} orders of ${tier.threshold}`
    case "spend":
      return Object.entries(tier.spend_thresholds ?? {})
        .map(([code, value]) => `${metrics.spend[code] ?? 0} ${code.toUpperCase()} of ${value}`)
        .join(", ")
  }
}

