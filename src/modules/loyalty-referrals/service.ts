import {
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { DueCursor, DuePage, dueIds, knexOf, lockForSave, lockingTransaction, SharedContext, transactionOf } from "../../lib/db"
import {
  ClaimAttemptLimits,
  claimLimitsFromOptions,
  generateReferralCode,
  monthStart,
  NewReferralFlag,
  normalizeReferralCode,
  OPEN_REFERRAL_STATUSES,
  ReferralFlag,
  ReferralPluginOptions,
  ReferralProgramSettings,
  referralSettingsFromOptions,
  validateReferralSettings,
  velocityFlag,
} from "../../lib/referrals/rules"
import ClaimAttempt from "./models/claim-attempt"
import Referral from "./models/referral"
import ReferralCode from "./models/referral-code"
import ReferralProgramVersion from "./models/referral-program-version"
import {
  ClaimAttemptResult,
  CreateReferralInput,
  ReferralCodeRecord,
  ReferralDecisionInput,
  ReferralRecord,
  ReferralStatus,
  ReferralTransition,
} from "./types"

type InjectedDependencies = Record<string, unknown>

/** The plugin options; this module reads the `referrals` key. */
export type LoyaltyReferralsOptions = { referrals?: ReferralPluginOptions }

/** Advisory lock namespaces (the first key of `pg_advisory_xact_lock(int, int)`). */
const LOCK_CLAIMS_BY_CUSTOMER = 0x4c524331 // "LRC1"
const LOCK_CLAIMS_BY_ADDRESS = 0x4c524332 // "LRC2"
const LOCK_REFERRER = 0x4c524633 // "LRF3"
/** Tries before giving up on drawing a code nobody has (a clash is ~1 in 10^14 per draw). */
const CODE_ATTEMPTS = 5
const WRITES = "Referral writes"

/**
 * Referral codes, referrals and the referral program. Reads and ordinary
 * writes are `MedusaService`'s generated methods. Everything that must hold
 * across server and worker processes is enforced by Postgres, and only there
 * is the SQL written by hand: unique codes and one referral per friend
 * (inserts that do nothing on a unique clash), the monthly cap and the claim
 * rate limit (counts taken under transaction-scoped advisory locks), and
 * every status change (a row lock and a check of the current status).
 */
export default class LoyaltyReferralsModuleService extends MedusaService({
  ReferralProgramVersion,
  ReferralCode,
  Referral,
  ClaimAttempt,
}) {
  protected readonly options_: ReferralPluginOptions

  constructor(container: InjectedDependencies, options: LoyaltyReferralsOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = options?.referrals ?? {}
  }

  // ---------------------------------------------------------------- program

  /** The program in force: the latest saved version, else the plugin options. */
  @InjectManager()
  async getProgramSettings(@MedusaContext() sharedContext: SharedContext = {}): Promise<ReferralProgramSettings> {
    const [latest] = await this.listReferralProgramVersions({}, { order: { version: "DESC" }, take: 1 }, sharedContext)
    if (!latest) return referralSettingsFromOptions(this.options_)
    const { id, created_by, created_at, updated_at, deleted_at, ...settings } = latest
    return settings
  }

  /**
   * Save the program as a new version. Fields left out keep their value; the
   * version number is taken under a table lock so two admins saving at once
   * get consecutive versions.
   */
  @InjectTransactionManager()
  async saveProgramSettings(
    changes: Partial<Omit<ReferralProgramSettings, "version">>,
    createdBy: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralProgramSettings> {
    await lockForSave(sharedContext, "loyalty_referral_program_version", WRITES)
    const current = await this.getProgramSettings(sharedContext)
    const next = { ...current, ...changes, version: current.version + 1 }
    const problems = validateReferralSettings(next)
    if (problems.length) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
    }
    await this.createReferralProgramVersions({ ...next, created_by: createdBy }, sharedContext)
    return next
  }

  /** How many claim attempts a customer and an address get per window (plugin options). */
  getClaimLimits(): ClaimAttemptLimits {
    return claimLimitsFromOptions(this.options_)
  }

  // ---------------------------------------------------------------- codes

  /**
   * The customer's code, created on first request. Two requests racing for
   * the same customer get the same code (unique index on the customer); a
   * freshly drawn code that someone already has is drawn again.
   */
  @InjectTransactionManager()
  async ensureCode(
    customerId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ code: ReferralCodeRecord; created: boolean }> {
    const trx = transactionOf(sharedContext, WRITES)
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const [existing] = await this.listReferralCodes({ customer_id: customerId }, { take: 1 }, sharedContext)
      if (existing) {
        return { code: existing, created: false }
      }
      // No conflict target: a clash on either unique index (this customer, or
      // this code) inserts nothing, and the next round tells which it was.
      const { rows } = await trx.raw(
        `INSERT INTO loyalty_referral_code (id, customer_id, code) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id`,
        [generateEntityId(undefined, "lrcode"), customerId, generateReferralCode()]
      )
      if (rows[0]) {
        return { code: await this.retrieveReferralCode(rows[0].id, {}, sharedContext), created: true }
      }
    }
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "Could not draw an unused referral code; try again")
  }

  /** The code as typed by a shopper (any case, spaces or dashes), or null when there is no such code. */
  @InjectManager()
  async retrieveCodeByValue(
    typed: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralCodeRecord | null> {
    const code = normalizeReferralCode(typed)
    if (!code) return null
    const [found] = await this.listReferralCodes({ code }, { take: 1 }, sharedContext)
    return found ?? null
  }

  // ---------------------------------------------------------------- claim rate limit

  /**
   * Count a claim attempt against the customer's and the address's limit and
   * record it when both allow it. The counts are taken under advisory locks
   * on the customer and the address (always in that order, so two requests
   * cannot deadlock), so concurrent attempts in any number of processes are
   * counted exactly: with a limit of 5, ten simultaneous attempts let 5 through.
   */
  @InjectTransactionManager()
  async registerClaimAttempt(
    input: { customer_id: string; client_address: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ClaimAttemptResult> {
    const trx = await lockingTransaction(sharedContext, WRITES)
    const limits = this.getClaimLimits()
    await trx.raw("SELECT pg_advisory_xact_lock(?, hashtext(?))", [LOCK_CLAIMS_BY_CUSTOMER, input.customer_id])
    await trx.raw("SELECT pg_advisory_xact_lock(?, hashtext(?))", [LOCK_CLAIMS_BY_ADDRESS, input.client_address])

    const { rows } = await trx.raw(
      `SELECT count(*) FILTER (WHERE customer_id = :customer)::int AS by_customer,
              min(created_at) FILTER (WHERE customer_id = :customer) AS customer_oldest,
              count(*) FILTER (WHERE client_address = :address)::int AS by_address,
              min(created_at) FILTER (WHERE client_address = :address) AS address_oldest,
              clock_timestamp() AS now
         FROM loyalty_referral_claim_attempt
        WHERE (customer_id = :customer OR client_address = :address)
          AND created_at > clock_timestamp() - make_interval(mins => :minutes)
          AND deleted_at IS NULL`,
      { customer: input.customer_id, address: input.client_address, minutes: limits.window_minutes }
    )
    const counts = rows[0]
    const windowMs = limits.window_minutes * 60_000
    const retryAfter = (oldest: Date | null) =>
      oldest
        ? Math.max(1, Math.ceil((new Date(oldest).getTime() + windowMs - new Date(counts.now).getTime()) / 1000))
        : 1
    if (counts.by_customer >= limits.per_customer) {
      return { allowed: false, attempt_id: null, limited_by: "customer", retry_after_seconds: retryAfter(counts.customer_oldest) }
    }
    if (counts.by_address >= limits.per_address) {
      return { allowed: false, attempt_id: null, limited_by: "address", retry_after_seconds: retryAfter(counts.address_oldest) }
    }
    // Stamped with the clock (not the transaction's start), as the window above is counted.
    const id = generateEntityId(undefined, "lratt")
    await trx.raw(
      `INSERT INTO loyalty_referral_claim_attempt (id, customer_id, client_address, created_at, updated_at)
       VALUES (?, ?, ?, clock_timestamp(), clock_timestamp())`,
      [id, input.customer_id, input.client_address]
    )
    return { allowed: true, attempt_id: id, limited_by: null, retry_after_seconds: 0 }
  }

  /** Forget attempts older than `before` (one statement for the job); they no longer count against any limit. */
  @InjectTransactionManager()
  async pruneClaimAttempts(before: Date, @MedusaContext() sharedContext: SharedContext = {}): Promise<number> {
    const { rowCount } = await transactionOf(sharedContext, WRITES).raw(
      "DELETE FROM loyalty_referral_claim_attempt WHERE created_at < ?",
      [before]
    )
    return rowCount ?? 0
  }

  // ---------------------------------------------------------------- referrals

  /**
   * Record a friend's claim. The monthly cap is counted under an advisory
   * lock on the referrer, so two friends claiming at once cannot both slip
   * under it; a referral over the cap (or with any other flag) starts out
   * `flagged`. A friend can be referred once: a second claim is refused.
   */
  @InjectTransactionManager()
  async createReferral(
    input: CreateReferralInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord> {
    const program = await this.getProgramSettings(sharedContext)
    const trx = await lockingTransaction(sharedContext, WRITES)
    await trx.raw("SELECT pg_advisory_xact_lock(?, hashtext(?))", [LOCK_REFERRER, input.referrer_id])

    const now = new Date(input.now)
    const { rows } = await trx.raw(
      `SELECT count(*)::int AS claimed FROM loyalty_referral
        WHERE referrer_id = ? AND claimed_at >= ? AND status <> 'rejected' AND deleted_at IS NULL`,
      [input.referrer_id, monthStart(now)]
    )
    const velocity = velocityFlag(rows[0].claimed, program.monthly_cap)
    const flags = stampFlags([], [...input.flags, ...(velocity ? [velocity] : [])], now)

    // A friend's second claim clashes on the unique referee index and inserts nothing.
    const inserted = await trx.raw(
      `INSERT INTO loyalty_referral
         (id, code, referrer_id, referee_id, status, flags, program_version, referrer_points, referee_points,
          min_order_amounts, claimed_at)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?)
       ON CONFLICT (referee_id) WHERE deleted_at IS NULL DO NOTHING
       RETURNING id`,
      [
        generateEntityId(undefined, "lref"),
        input.code,
        input.referrer_id,
        input.referee_id,
        flags.length ? "flagged" : "claimed",
        JSON.stringify(flags),
        program.version,
        program.referrer_points,
        program.referee_points,
        JSON.stringify(program.min_order_amounts),
        now,
      ]
    )
    if (!inserted.rows[0]) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "You have already used a referral code.")
    }
    return (await this.retrieveReferralRecord(inserted.rows[0].id, sharedContext))!
  }

  /** The referral a customer was referred by, or null. */
  @InjectManager()
  async retrieveReferralByReferee(
    refereeId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord | null> {
    const [found] = await this.listReferrals({ referee_id: refereeId }, { take: 1 }, sharedContext)
    return found ?? null
  }

  /** One referral with its flags typed, or null. */
  @InjectManager()
  async retrieveReferralRecord(
    id: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord | null> {
    const [found] = await this.listReferrals({ id }, { take: 1 }, sharedContext)
    return found ?? null
  }

  /**
   * Referrals, newest first, filtered by status, a customer on either side
   * and/or the referrer, with the total for paging.
   */
  @InjectManager()
  async listReferralRecords(
    filters: { status?: string[]; customer_id?: string; referrer_id?: string },
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ referrals: ReferralRecord[]; count: number }> {
    const [rows, count] = await this.listAndCountReferrals(
      {
        ...(filters.status?.length ? { status: filters.status } : {}),
        ...(filters.referrer_id ? { referrer_id: filters.referrer_id } : {}),
        ...(filters.customer_id
          ? { $or: [{ referrer_id: filters.customer_id }, { referee_id: filters.customer_id }] }
          : {}),
      },
      { order: { claimed_at: "DESC", id: "DESC" }, take: page.limit, skip: page.offset },
      sharedContext
    )
    return { referrals: rows, count }
  }

  /** A referrer's referrals and points by status, for "you invited 4 friends, 600 points earned". */
  @InjectManager()
  async summarizeReferrer(
    referrerId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Record<ReferralStatus, { count: number; points: number }>> {
    const rows = await this.listReferrals(
      { referrer_id: referrerId },
      { select: ["status", "referrer_points"], take: null },
      sharedContext
    )
    const summary = Object.fromEntries(
      (["claimed", "qualified", "rewarded", "flagged", "rejected"] as const).map((status) => [status, { count: 0, points: 0 }])
    ) as Record<ReferralStatus, { count: number; points: number }>
    for (const row of rows) {
      summary[row.status].count++
      summary[row.status].points += row.referrer_points
    }
    return summary
  }

  /** Referrals still waiting for a qualifying order, in id order after `afterId` (keyset paging for the job). */
  @InjectManager()
  async listOpenReferrals(
    afterId: string | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord[]> {
    const rows = await this.listReferrals(
      { status: OPEN_REFERRAL_STATUSES, ...(afterId ? { id: { $gt: afterId } } : {}) },
      { order: { id: "ASC" }, take: limit },
      sharedContext
    )
    return rows
  }

  /**
   * One page of rewarded referrals whose ledger entries were never recorded
   * (a crash between the two), older than `before`, in keyset order
   * (rewarded at, id).
   */
  @InjectManager()
  async listUnpostedRewards(
    before: Date,
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<string>> {
    return await dueIds(
      sharedContext,
      (knex) =>
        knex("loyalty_referral")
        .where({ status: "rewarded" })
        .whereNull("rewards_posted_at")
        .where("rewarded_at", "<", before)
        .whereNull("deleted_at"),
      { at: "rewarded_at", id: "id" },
      { after, limit }
    )
  }

  /** Add flags to an open referral and hold it for review. Null when it is no longer open. */
  @InjectTransactionManager()
  async flagReferral(
    input: { referral_id: string; flags: NewReferralFlag[]; order_id: string | null; now: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralTransition | null> {
    return await this.transition_(sharedContext, input.referral_id, OPEN_REFERRAL_STATUSES, (row) => ({
      status: "flagged",
      flags: stampFlags(row.flags, input.flags, new Date(input.now)),
      order_id: input.order_id ?? row.order_id,
    }))
  }

  /** The friend placed a qualifying order; it is waiting for its return window. */
  @InjectTransactionManager()
  async markQualified(
    input: { referral_id: string; order_id: string; now: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralTransition | null> {
    return await this.transition_(sharedContext, input.referral_id, OPEN_REFERRAL_STATUSES, (row) =>
      row.status === "qualified" && row.order_id === input.order_id
        ? null
        : { status: "qualified", order_id: input.order_id, qualified_at: new Date(input.now) }
    )
  }

  /**
   * Claim the right to pay this referral: only the caller that moves it from
   * open to `rewarded` goes on to write the rewards, so concurrent runs (the
   * job twice, redelivered events) pay once.
   */
  @InjectTransactionManager()
  async markRewarded(
    input: { referral_id: string; order_id: string; now: Date },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralTransition | null> {
    return await this.transition_(sharedContext, input.referral_id, OPEN_REFERRAL_STATUSES, () => ({
      status: "rewarded",
      order_id: input.order_id,
      rewarded_at: new Date(input.now),
    }))
  }

  /**
   * Note the ledger entries of a rewarded referral. True for the one caller
   * that recorded them (a conditional update: the others change no row); the
   * event is announced by that caller only.
   */
  @InjectTransactionManager()
  async recordRewards(
    input: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord | null> {
    const { rows } = await transactionOf(sharedContext, WRITES).raw(
      `UPDATE loyalty_referral
          SET rewards_posted_at = clock_timestamp(), referrer_entry_id = ?, referee_entry_id = ?, updated_at = now()
        WHERE id = ? AND status = 'rewarded' AND rewards_posted_at IS NULL
       RETURNING id`,
      [input.referrer_entry_id, input.referee_entry_id, input.referral_id]
    )
    return rows[0] ? await this.retrieveReferralRecord(input.referral_id, sharedContext) : null
  }

  /**
   * An admin's decision, with a note. Approving a flagged referral clears its
   * flags and puts it back in the running (the next evaluation may pay it);
   * rejecting any referral not yet rewarded ends it.
   */
  @InjectTransactionManager()
  async decideReferral(
    input: ReferralDecisionInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralTransition> {
    const now = new Date(input.now)
    const allowed: ReferralStatus[] = input.decision === "approve" ? ["flagged"] : ["claimed", "qualified", "flagged"]
    const result = await this.transition_(sharedContext, input.referral_id, allowed, (row) => ({
      status: input.decision === "approve" ? "claimed" : "rejected",
      flags:
        input.decision === "approve"
          ? row.flags.map((flag) => (flag.cleared_at ? flag : { ...flag, cleared_at: now.toISOString() }))
          : row.flags,
      decision: input.decision === "approve" ? "approved" : "rejected",
      decided_by: input.actor_id,
      decided_at: now,
      decision_note: input.note,
    }))
    if (!result) {
      const current = await this.retrieveReferralRecord(input.referral_id, sharedContext)
      if (!current) {
        throw new MedusaError(MedusaError.Types.NOT_FOUND, `Referral ${input.referral_id} was not found`)
      }
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        input.decision === "approve"
          ? `Only a flagged referral can be approved; this one is ${current.status}`
          : `A ${current.status} referral can no longer be rejected`
      )
    }
    return result
  }

  /**
   * Put a referral back as it was before a step changed it (compensation).
   * A referral whose rewards are already in the ledger is left alone.
   */
  @InjectTransactionManager()
  async restoreReferral(
    previous: ReferralRecord,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    const { status, flags, order_id, qualified_at, rewarded_at, decision, decided_by, decided_at, decision_note } = previous
    await this.updateReferrals(
      {
        selector: { id: previous.id, rewards_posted_at: null },
        data: { status, flags, order_id, qualified_at, rewarded_at, decision, decided_by, decided_at, decision_note },
      },
      sharedContext
    )
  }

  // ---------------------------------------------------------------- internals

  /**
   * Lock the referral row, check its status is one of `from`, and apply the
   * change `change` computes from the locked row (null = nothing to do).
   */
  protected async transition_(
    sharedContext: SharedContext,
    referralId: string,
    from: ReferralStatus[],
    change: (row: ReferralRecord) => Partial<ReferralRecord> | null
  ): Promise<ReferralTransition | null> {
    const trx = await lockingTransaction(sharedContext, WRITES)
    const locked = await trx("loyalty_referral").select("id").where({ id: referralId }).whereNull("deleted_at").forUpdate()
    if (!locked.length) return null
    const previous = (await this.retrieveReferralRecord(referralId, sharedContext))!
    if (!from.includes(previous.status)) return null
    const patch = change(previous)
    if (!patch) return null
    await this.updateReferrals({ ...patch, id: referralId }, sharedContext)
    return { referral: (await this.retrieveReferralRecord(referralId, sharedContext))!, previous }
  }
}

/** New flags appended to the existing ones, stamped with when they were found; a key already there is kept as is. */
function stampFlags(existing: ReferralFlag[], added: NewReferralFlag[], now: Date): ReferralFlag[] {
  const keys = new Set(existing.map((flag) => flag.key))
  const fresh = added
    .filter((flag) => !keys.has(flag.key))
    .map((flag) => ({ ...flag, detected_at: now.toISOString(), cleared_at: null }))
  return [...existing, ...fresh]
}
