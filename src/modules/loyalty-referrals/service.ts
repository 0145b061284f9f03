import { Context } from "@medusajs/framework/types"
import { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import {
  generateEntityId,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
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
  ReferralTransition,
} from "./types"

type InjectedDependencies = Record<string, unknown>
type SharedContext = Context<SqlEntityManager>

/** The plugin options; this module reads the `referrals` key. */
export type LoyaltyReferralsOptions = { referrals?: ReferralPluginOptions }

type ReferralRow = Omit<ReferralRecord, "flags" | "min_order_amounts"> & {
  flags: ReferralFlag[] | string
  min_order_amounts: Record<string, number> | string
}

/** Postgres gives up waiting for a lock after this long instead of piling up requests. */
const LOCK_TIMEOUT = "5s"
/** Advisory lock namespaces (the first key of `pg_advisory_xact_lock(int, int)`). */
const LOCK_CLAIMS_BY_CUSTOMER = 0x4c524331 // "LRC1"
const LOCK_CLAIMS_BY_ADDRESS = 0x4c524332 // "LRC2"
const LOCK_REFERRER = 0x4c524633 // "LRF3"
/** Tries before giving up on drawing a code nobody has (a clash is ~1 in 10^14 per draw). */
const CODE_ATTEMPTS = 5

/**
 * Referral codes, referrals and the referral program. Everything that must
 * hold across server and worker processes is enforced by Postgres: unique
 * codes and one referral per friend (unique indexes), the monthly cap and the
 * claim rate limit (counts taken under transaction-scoped advisory locks),
 * and every status change (a row lock and a check of the current status).
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
    const [latest] = await this.listReferralProgramVersions(
      {},
      { order: { version: "DESC" }, take: 1 },
      sharedContext
    )
    return latest ? settingsFromVersion(latest) : referralSettingsFromOptions(this.options_)
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
    const trx = this.transaction_(sharedContext)
    await trx.raw("LOCK TABLE loyalty_referral_program_version IN SHARE ROW EXCLUSIVE MODE")
    const current = await this.getProgramSettings(sharedContext)
    const next = { ...current, ...changes }
    const problems = validateReferralSettings(next)
    if (problems.length) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
    }
    const version = current.version + 1
    await trx("loyalty_referral_program_version").insert({
      id: generateEntityId(undefined, "lrprog"),
      version,
      enabled: next.enabled,
      referrer_points: next.referrer_points,
      referee_points: next.referee_points,
      min_order_amounts: JSON.stringify(next.min_order_amounts),
      claim_window_days: next.claim_window_days,
      monthly_cap: next.monthly_cap,
      storefront_url: next.storefront_url,
      take_back_rewards: next.take_back_rewards,
      created_by: createdBy,
    })
    return { ...next, version }
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
    const trx = this.transaction_(sharedContext)
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const existing = await trx("loyalty_referral_code")
        .where({ customer_id: customerId })
        .whereNull("deleted_at")
        .first()
      if (existing) {
        return { code: toCode(existing), created: false }
      }
      // No conflict target: a clash on either unique index (this customer, or
      // this code) inserts nothing, and the next round tells which it was.
      const { rows } = await trx.raw(
        `INSERT INTO loyalty_referral_code (id, customer_id, code) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING *`,
        [generateEntityId(undefined, "lrcode"), customerId, generateReferralCode()]
      )
      if (rows[0]) {
        return { code: toCode(rows[0]), created: true }
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
    const row = await this.knex_(sharedContext)("loyalty_referral_code").where({ code }).whereNull("deleted_at").first()
    return row ? toCode(row) : null
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
    const trx = this.transaction_(sharedContext)
    const limits = this.getClaimLimits()
    await trx.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`)
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
    const id = generateEntityId(undefined, "lratt")
    await trx("loyalty_referral_claim_attempt").insert({
      id,
      customer_id: input.customer_id,
      client_address: input.client_address,
      created_at: trx.raw("clock_timestamp()"),
      updated_at: trx.raw("clock_timestamp()"),
    })
    return { allowed: true, attempt_id: id, limited_by: null, retry_after_seconds: 0 }
  }

  /** Forget attempts older than `before`; they no longer count against any limit. */
  @InjectTransactionManager()
  async pruneClaimAttempts(before: Date, @MedusaContext() sharedContext: SharedContext = {}): Promise<number> {
    return await this.transaction_(sharedContext)("loyalty_referral_claim_attempt")
      .where("created_at", "<", before)
      .delete()
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
    const trx = this.transaction_(sharedContext)
    const program = await this.getProgramSettings(sharedContext)
    await trx.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`)
    await trx.raw("SELECT pg_advisory_xact_lock(?, hashtext(?))", [LOCK_REFERRER, input.referrer_id])

    const now = new Date(input.now)
    const { rows } = await trx.raw(
      `SELECT count(*)::int AS claimed FROM loyalty_referral
        WHERE referrer_id = ? AND claimed_at >= ? AND status <> 'rejected' AND deleted_at IS NULL`,
      [input.referrer_id, monthStart(now)]
    )
    const velocity = velocityFlag(rows[0].claimed, program.monthly_cap)
    const flags = stampFlags([], [...input.flags, ...(velocity ? [velocity] : [])], now)

    const inserted = await trx.raw(
      `INSERT INTO loyalty_referral
         (id, code, referrer_id, referee_id, status, flags, program_version, referrer_points, referee_points,
          min_order_amounts, claimed_at)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?)
       ON CONFLICT (referee_id) WHERE deleted_at IS NULL DO NOTHING
       RETURNING *`,
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
    return toReferral(inserted.rows[0])
  }

  /** The referral a customer was referred by, or null. */
  @InjectManager()
  async retrieveReferralByReferee(
    refereeId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord | null> {
    const row = await this.knex_(sharedContext)("loyalty_referral")
      .where({ referee_id: refereeId })
      .whereNull("deleted_at")
      .first()
    return row ? toReferral(row) : null
  }

  /** One referral with its flags parsed, or null. */
  @InjectManager()
  async retrieveReferralRecord(
    id: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord | null> {
    const row = await this.knex_(sharedContext)("loyalty_referral").where({ id }).whereNull("deleted_at").first()
    return row ? toReferral(row) : null
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
    const knex = this.knex_(sharedContext)
    const base = () => {
      const q = knex("loyalty_referral").whereNull("deleted_at")
      if (filters.status?.length) q.whereIn("status", filters.status)
      if (filters.referrer_id) q.where("referrer_id", filters.referrer_id)
      if (filters.customer_id) {
        q.where((w) => w.where("referrer_id", filters.customer_id!).orWhere("referee_id", filters.customer_id!))
      }
      return q
    }
    const [rows, [{ count }]] = await Promise.all([
      base()
        .orderBy([
          { column: "claimed_at", order: "desc" },
          { column: "id", order: "desc" },
        ])
        .limit(page.limit)
        .offset(page.offset),
      base().count<{ count: string }[]>({ count: "*" }),
    ])
    return { referrals: rows.map(toReferral), count: Number(count) }
  }

  /** A referrer's referrals and points by status, for "you invited 4 friends, 600 points earned". */
  @InjectManager()
  async summarizeReferrer(
    referrerId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Record<ReferralRecord["status"], { count: number; points: number }>> {
    const rows: { status: ReferralRecord["status"]; count: string; points: string }[] = await this.knex_(sharedContext)(
      "loyalty_referral"
    )
      .select("status")
      .count({ count: "*" })
      .sum({ points: "referrer_points" })
      .where({ referrer_id: referrerId })
      .whereNull("deleted_at")
      .groupBy("status")
    const summary = Object.fromEntries(
      (["claimed", "qualified", "rewarded", "flagged", "rejected"] as const).map((status) => [status, { count: 0, points: 0 }])
    ) as Record<ReferralRecord["status"], { count: number; points: number }>
    for (const row of rows) {
      summary[row.status] = { count: Number(row.count), points: Number(row.points ?? 0) }
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
    const q = this.knex_(sharedContext)("loyalty_referral")
      .whereIn("status", OPEN_REFERRAL_STATUSES)
      .whereNull("deleted_at")
      .orderBy("id", "asc")
      .limit(limit)
    if (afterId) q.where("id", ">", afterId)
    return (await q).map(toReferral)
  }

  /** Rewarded referrals whose ledger entries were never recorded (a crash between the two), older than `before`. */
  @InjectManager()
  async listUnpostedRewards(
    before: Date,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord[]> {
    const rows = await this.knex_(sharedContext)("loyalty_referral")
      .where({ status: "rewarded" })
      .whereNull("rewards_posted_at")
      .where("rewarded_at", "<", before)
      .whereNull("deleted_at")
      .orderBy("rewarded_at", "asc")
      .limit(limit)
    return rows.map(toReferral)
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
   * that recorded them; the event is announced by that caller only.
   */
  @InjectTransactionManager()
  async recordRewards(
    input: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord | null> {
    const [row] = await this.transaction_(sharedContext)("loyalty_referral")
      .where({ id: input.referral_id, status: "rewarded" })
      .whereNull("rewards_posted_at")
      .update({
        rewards_posted_at: this.transaction_(sharedContext).raw("clock_timestamp()"),
        referrer_entry_id: input.referrer_entry_id,
        referee_entry_id: input.referee_entry_id,
        updated_at: this.transaction_(sharedContext).fn.now(),
      })
      .returning("*")
    return row ? toReferral(row) : null
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
    const allowed: ReferralRecord["status"][] =
      input.decision === "approve" ? ["flagged"] : ["claimed", "qualified", "flagged"]
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
    await this.transaction_(sharedContext)("loyalty_referral")
      .where({ id: previous.id })
      .whereNull("rewards_posted_at")
      .update({
        status: previous.status,
        flags: JSON.stringify(previous.flags),
        order_id: previous.order_id,
        qualified_at: previous.qualified_at,
        rewarded_at: previous.rewarded_at,
        decision: previous.decision,
        decided_by: previous.decided_by,
        decided_at: previous.decided_at,
        decision_note: previous.decision_note,
        updated_at: this.transaction_(sharedContext).fn.now(),
      })
  }

  // ---------------------------------------------------------------- internals

  /**
   * Lock the referral row, check its status is one of `from`, and apply the
   * change `change` computes from the locked row (null = nothing to do).
   */
  protected async transition_(
    sharedContext: SharedContext,
    referralId: string,
    from: ReferralRecord["status"][],
    change: (row: ReferralRecord) => Partial<ReferralRecord> | null
  ): Promise<ReferralTransition | null> {
    const trx = this.transaction_(sharedContext)
    await trx.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`)
    const locked = await trx("loyalty_referral").where({ id: referralId }).whereNull("deleted_at").forUpdate().first()
    if (!locked) return null
    const previous = toReferral(locked)
    if (!from.includes(previous.status)) return null
    const patch = change(previous)
    if (!patch) return null
    const [row] = await trx("loyalty_referral")
      .where({ id: referralId })
      .update({
        ...patch,
        ...(patch.flags ? { flags: JSON.stringify(patch.flags) } : {}),
        updated_at: trx.fn.now(),
      })
      .returning("*")
    return { referral: toReferral(row), previous }
  }

  protected transaction_(sharedContext: SharedContext): Knex.Transaction {
    const trx = sharedContext.transactionManager?.getTransactionContext<Knex.Transaction>()
    if (!trx) {
      // Without a transaction the advisory and row locks would be released at
      // once, and the cap, the rate limit and status changes would race.
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "Referral writes must run inside a transaction")
    }
    return trx
  }

  protected knex_(sharedContext: SharedContext): Knex {
    const manager = (sharedContext.transactionManager ?? sharedContext.manager) as SqlEntityManager
    return manager.getTransactionContext<Knex.Transaction>() ?? manager.getKnex()
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

type ProgramVersionRow = Omit<ReferralProgramSettings, "min_order_amounts"> & { min_order_amounts: unknown }

function settingsFromVersion(row: ProgramVersionRow): ReferralProgramSettings {
  return {
    version: row.version,
    enabled: row.enabled,
    referrer_points: row.referrer_points,
    referee_points: row.referee_points,
    min_order_amounts: (row.min_order_amounts ?? {}) as Record<string, number>,
    claim_window_days: row.claim_window_days,
    monthly_cap: row.monthly_cap,
    storefront_url: row.storefront_url ?? null,
    take_back_rewards: row.take_back_rewards ?? true,
  }
}

const parseJson = <T>(value: T | string | null): T | null =>
  typeof value === "string" ? (JSON.parse(value) as T) : value

const toDate = (value: Date | string | null) => (value ? new Date(value) : null)

function toCode(row: ReferralCodeRecord): ReferralCodeRecord {
  return { id: row.id, customer_id: row.customer_id, code: row.code, created_at: new Date(row.created_at) }
}

function toReferral(row: ReferralRow): ReferralRecord {
  return {
    id: row.id,
    code: row.code,
    referrer_id: row.referrer_id,
    referee_id: row.referee_id,
    status: row.status,
    flags: parseJson<ReferralFlag[]>(row.flags) ?? [],
    order_id: row.order_id,
    program_version: Number(row.program_version),
    referrer_points: Number(row.referrer_points),
    referee_points: Number(row.referee_points),
    min_order_amounts: parseJson<Record<string, number>>(row.min_order_amounts) ?? {},
    claimed_at: new Date(row.claimed_at),
    qualified_at: toDate(row.qualified_at),
    rewarded_at: toDate(row.rewarded_at),
    rewards_posted_at: toDate(row.rewards_posted_at),
    referrer_entry_id: row.referrer_entry_id,
    referee_entry_id: row.referee_entry_id,
    decision: row.decision,
    decided_by: row.decided_by,
    decided_at: toDate(row.decided_at),
    decision_note: row.decision_note,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
  }
}
