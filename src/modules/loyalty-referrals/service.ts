import { InjectManager, InjectTransactionManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import {
  DueCursor,
  DuePage,
  dueIds,
  duePage,
  keysetAfter,
  knexOf,
  LATEST_VERSION,
  oneOrNull,
  saveNextVersion,
  settingsInForce,
  SharedContext,
  transactionOf,
} from "../../lib/db"
import {
  ClaimAttemptLimits,
  claimLimitHit,
  claimLimitsFromOptions,
  decisionChange,
  decisionFrom,
  decisionRefusal,
  generateReferralCode,
  monthStart,
  NewReferralFlag,
  normalizeReferralCode,
  OPEN_REFERRAL_STATUSES,
  ReferralPluginOptions,
  ReferralProgramSettings,
  referralSettingsFromOptions,
  stampFlags,
  summarizeByStatus,
  validateReferralSettings,
  velocityFlag,
} from "../../lib/referrals/rules"
import ClaimAttempt from "./models/claim-attempt"
import Referral from "./models/referral"
import ReferralCode from "./models/referral-code"
import ReferralProgramVersion from "./models/referral-program-version"
import {
  deleteClaimAttemptsBefore,
  duePostedRewards,
  dueUnpostedRewards,
  forgetRewardNotes,
  insertClaimAttempt,
  insertCode,
  insertReferralOnce,
  lockAndCountClaimAttempts,
  lockReferral,
  lockReferrerAndCountClaims,
  markRewardsPosted,
  markRewardsPostedPage,
} from "./sql"
import {
  ClaimAttemptResult,
  CreateReferralInput,
  PostedReward,
  ReferralCodeRecord,
  ReferralDecisionInput,
  ReferralRecord,
  ReferralStatus,
  ReferralTransition,
  RewardsNote,
} from "./types"

type InjectedDependencies = Record<string, unknown>

/** The plugin options; this module reads the `referrals` key. */
export type LoyaltyReferralsOptions = { referrals?: ReferralPluginOptions }

/** Tries before giving up on drawing a code nobody has (a clash is ~1 in 10^14 per draw). */
const CODE_ATTEMPTS = 5
const WRITES = "Referral writes"

/**
 * Referral codes, referrals and the referral program. Reads and ordinary
 * writes are `MedusaService`'s generated methods. Everything that must hold
 * across server and worker processes is enforced by Postgres, and only there
 * is the SQL written by hand, all of it in `sql.ts`: unique codes and one
 * referral per friend (inserts that do nothing on a unique clash), the
 * monthly cap and the claim rate limit (counts taken under transaction-scoped
 * advisory locks), every status change (a row lock and a check of the current
 * status), the rewards noted once, and the jobs' set-based reads and prune.
 * The rules (flags, limits, decisions) are in `lib/referrals/rules.ts`.
 */
export default class LoyaltyReferralsModuleService extends MedusaService({
  ReferralProgramVersion,
  ReferralCode,
  Referral,
  ClaimAttempt,
}) {
  constructor(container: InjectedDependencies, protected readonly options_: LoyaltyReferralsOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
  }

  // ---------------------------------------------------------------- program

  /** The program in force: the latest saved version, else the plugin options. */
  @InjectManager()
  async getProgramSettings(@MedusaContext() sharedContext: SharedContext = {}): Promise<ReferralProgramSettings> {
    return await settingsInForce<ReferralProgramSettings>(
      this.listReferralProgramVersions({}, LATEST_VERSION, sharedContext),
      () => referralSettingsFromOptions(this.options_.referrals)
    )
  }

  /**
   * Save the program as a new version (`saveNextVersion`). Fields left out
   * keep their value; the version number is taken under a table lock so two
   * admins saving at once get consecutive versions.
   */
  @InjectTransactionManager()
  async updateProgramSettings(
    changes: Partial<Omit<ReferralProgramSettings, "version">>,
    createdBy: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralProgramSettings> {
    return await saveNextVersion<ReferralProgramSettings>(sharedContext, "loyalty_referral_program_version", WRITES, changes, {
      current: () => this.getProgramSettings(sharedContext),
      problems: validateReferralSettings,
      create: (next) => this.createReferralProgramVersions({ ...next, created_by: createdBy }, sharedContext),
    })
  }

  /** How many claim attempts a customer and an address get per window (plugin options). */
  getClaimLimits(): ClaimAttemptLimits {
    return claimLimitsFromOptions(this.options_.referrals)
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
      // A clash on either unique index inserts nothing; the next round tells which it was.
      const id = await insertCode(trx, customerId, generateReferralCode())
      if (id) {
        return { code: await this.retrieveReferralCode(id, {}, sharedContext), created: true }
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
    return await oneOrNull(this.listReferralCodes({ code }, { take: 1 }, sharedContext))
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
    const trx = transactionOf(sharedContext, WRITES)
    const limits = this.getClaimLimits()
    const hit = claimLimitHit(await lockAndCountClaimAttempts(trx, input, limits.window_minutes), limits)
    if (hit) {
      return { allowed: false, attempt_id: null, ...hit }
    }
    const id = await insertClaimAttempt(trx, input)
    return { allowed: true, attempt_id: id, limited_by: null, retry_after_seconds: 0 }
  }

  /** Forget attempts older than `before` (one statement for the job); they no longer count against any limit. */
  @InjectTransactionManager()
  async pruneClaimAttempts(before: Date, @MedusaContext() sharedContext: SharedContext = {}): Promise<number> {
    return await deleteClaimAttemptsBefore(transactionOf(sharedContext, WRITES), before)
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
    const trx = transactionOf(sharedContext, WRITES)
    const now = new Date(input.now)
    const claimed = await lockReferrerAndCountClaims(trx, input.referrer_id, monthStart(now))
    const velocity = velocityFlag(claimed, program.monthly_cap)
    const flags = stampFlags([], [...input.flags, ...(velocity ? [velocity] : [])], now)
    const id = await insertReferralOnce(trx, { ...input, flags, claimed_at: now }, program)
    if (!id) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "You have already used a referral code.")
    }
    return await this.retrieveReferral(id, {}, sharedContext)
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
    return summarizeByStatus(rows)
  }

  /** Referrals still waiting for a qualifying order, in id order after `afterId` (keyset paging for the job). */
  @InjectManager()
  async listOpenReferrals(
    afterId: string | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralRecord[]> {
    return await this.listReferrals(
      { status: OPEN_REFERRAL_STATUSES, ...(afterId ? { id: { $gt: afterId } } : {}) },
      { order: { id: "ASC" }, take: limit },
      sharedContext
    )
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
    return await dueIds(sharedContext, dueUnpostedRewards(before), { at: "rewarded_at", id: "id" }, { after, limit })
  }

  /**
   * One page of referrals whose rewards were posted and are still kept
   * (`rewarded`), with their qualifying orders, in keyset order (posted at,
   * id) after `after`: the take-back reconciliation reads them a page at a
   * time through `IDX_loyalty_referral_rewards_posted`. One whose rewards are
   * taken back leaves the set (`forfeited`), so it is read until then only.
   */
  @InjectManager()
  async listPostedRewards(
    after: DueCursor | null,
    limit: number,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<DuePage<{ referral_id: string; order_id: string }>> {
    const knex = knexOf(sharedContext)
    const rows: { cursor_at: string; cursor_id: string; order_id: string | null }[] = await keysetAfter(
      knex,
      duePostedRewards(knex).select("order_id"),
      { at: "rewards_posted_at", id: "id" },
      after,
      limit
    )
    return duePage(rows, limit, (found) =>
      found.flatMap((row) => (row.order_id ? [{ referral_id: row.cursor_id, order_id: row.order_id }] : []))
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
   * Settle what a rewarded referral whose credits are not posted yet will pay,
   * right before they are posted: end it as `forfeited` (nothing is paid) or
   * keep it `rewarded` with the reason one side is not paid. Null when the
   * referral is no longer rewarded-and-unposted (another run posted or
   * settled it) or there is nothing to change; the row is locked, so a
   * take-back and a payment of the same referral do not cross.
   */
  @InjectTransactionManager()
  async settleReferral(
    input: { referral_id: string; status: "rewarded" | "forfeited"; forfeit_reason: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralTransition | null> {
    return await this.transition_(sharedContext, input.referral_id, ["rewarded"], (row) =>
      row.rewards_posted_at || (row.status === input.status && row.forfeit_reason === input.forfeit_reason)
        ? null
        : { status: input.status, forfeit_reason: input.forfeit_reason }
    )
  }

  /**
   * Note the ledger entries of a rewarded referral. The referral and the note
   * as written for the one caller that recorded them (a conditional update:
   * the others change no row), null for the others; the event is announced
   * by that caller only, and the note is what its compensation compares.
   */
  @InjectTransactionManager()
  async recordRewards(
    input: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ referral: ReferralRecord; note: RewardsNote } | null> {
    const note = await markRewardsPosted(transactionOf(sharedContext, WRITES), input)
    return note ? { referral: await this.retrieveReferral(input.referral_id, {}, sharedContext), note } : null
  }

  /**
   * The rewards of a paid referral were taken back (its order was canceled
   * or refunded in full): it ends `forfeited` with the reason, its entries
   * still noted, so staff see it was paid and taken back, and the take-back
   * reconciliation no longer reads it. Null when it is not a rewarded
   * referral with posted rewards (a take-back that lost the race, or one of
   * an unposted referral, which `settleReferral` forfeits).
   */
  @InjectTransactionManager()
  async markRewardsTakenBack(
    input: { referral_id: string; reason: string },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ReferralTransition | null> {
    return await this.transition_(sharedContext, input.referral_id, ["rewarded"], (row) =>
      row.rewards_posted_at ? { status: "forfeited", forfeit_reason: input.reason } : null
    )
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
    const result = await this.transition_(sharedContext, input.referral_id, decisionFrom(input.decision), (row) =>
      decisionChange(row.flags, { ...input, now: new Date(input.now) })
    )
    if (!result) {
      const [current] = await this.listReferrals({ id: input.referral_id }, { take: 1 }, sharedContext)
      if (!current) {
        throw new MedusaError(MedusaError.Types.NOT_FOUND, `Referral ${input.referral_id} was not found`)
      }
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, decisionRefusal(input.decision, current.status))
    }
    return result
  }

  /**
   * Put a referral back as it was before a step changed it (compensation),
   * but only if it is still exactly as that step left it (`change.referral`),
   * checked under the row lock: between a step and its compensation another
   * flow may have changed the referral (the take-back on `order.canceled`
   * forfeited it, an admin decided), and writing the step's stale `previous`
   * over that would undo it (a forfeited referral back to rewarded). Then it
   * is left as it is. A referral whose rewards were posted since the step
   * is left alone too. True when it was put back.
   */
  @InjectTransactionManager()
  async restoreReferral(
    change: ReferralTransition,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<boolean> {
    const { previous, referral: left } = change
    if (!(await lockReferral(transactionOf(sharedContext, WRITES), previous.id))) return false
    const current = await this.retrieveReferral(previous.id, {}, sharedContext)
    if (!!current.rewards_posted_at !== !!left.rewards_posted_at || !sameRestorable(current, left)) return false
    await this.updateReferrals({ id: previous.id, ...restorable(previous) }, sharedContext)
    return true
  }

  /**
   * Note the ledger entries of a page of rewarded referrals in one statement
   * (`recordRewards` for many): only the referrals still rewarded and not yet
   * noted are, and only they come back, so the caller announces each once.
   */
  @InjectTransactionManager()
  async recordRewardsPage(
    rows: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null }[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ posted: PostedReward[]; notes: RewardsNote[] }> {
    const noted = await markRewardsPostedPage(transactionOf(sharedContext, WRITES), rows)
    return {
      posted: noted.map(({ rewards_posted_at: _at, ...referral }) => referral),
      notes: noted.map((row) => ({
        referral_id: row.id,
        rewards_posted_at: row.rewards_posted_at,
        referrer_entry_id: row.referrer_entry_id,
        referee_entry_id: row.referee_entry_id,
      })),
    }
  }

  /**
   * Forget the rewards a payment noted (its compensation), so the repair pass
   * picks the referrals up again: each only while the referral is still
   * `rewarded` with exactly that note (compare-and-set, as `restoreReferral`
   * does). Between a payment's note and its compensation another flow may
   * have changed the referral: the take-back on `order.canceled` took the
   * rewards back and marked it `forfeited`, or (once this note was gone)
   * another run noted it anew. Clearing the note then would say a referral
   * was never paid whose rewards are in the ledger, and let it be paid
   * again; it is left as it is. Returns the referrals whose note was forgotten.
   */
  @InjectTransactionManager()
  async forgetRewards(notes: RewardsNote[], @MedusaContext() sharedContext: SharedContext = {}): Promise<string[]> {
    return await forgetRewardNotes(transactionOf(sharedContext, WRITES), notes)
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
    if (!(await lockReferral(transactionOf(sharedContext, WRITES), referralId))) return null
    const previous = await this.retrieveReferral(referralId, {}, sharedContext)
    if (!from.includes(previous.status)) return null
    const patch = change(previous)
    if (!patch) return null
    await this.updateReferrals({ ...patch, id: referralId }, sharedContext)
    return { referral: await this.retrieveReferral(referralId, {}, sharedContext), previous }
  }
}

/** The fields a status change writes, and so the ones its compensation puts back. */
const RESTORABLE = [
  "status",
  "flags",
  "order_id",
  "qualified_at",
  "rewarded_at",
  "decision",
  "decided_by",
  "decided_at",
  "decision_note",
  "forfeit_reason",
] as const

function restorable(row: ReferralRecord): Pick<ReferralRecord, (typeof RESTORABLE)[number]> {
  const { status, flags, order_id, qualified_at, rewarded_at, decision, decided_by, decided_at, decision_note, forfeit_reason } = row
  return { status, flags, order_id, qualified_at, rewarded_at, decision, decided_by, decided_at, decision_note, forfeit_reason }
}

const RESTORABLE_DATES: ReadonlySet<string> = new Set(["qualified_at", "rewarded_at", "decided_at"])

/**
 * Whether two reads of a referral agree on every restorable field: dates by
 * instant (a step's saved output may come back with them as ISO strings, once
 * the workflow engine stored it as JSON), flags by value.
 */
function sameRestorable(a: ReferralRecord, b: ReferralRecord): boolean {
  const comparable = (field: (typeof RESTORABLE)[number], value: unknown) => {
    if (value === null || value === undefined) return null
    if (RESTORABLE_DATES.has(field)) return new Date(value as string | Date).getTime()
    return typeof value === "object" ? JSON.stringify(value) : value
  }
  return RESTORABLE.every((field) => comparable(field, a[field]) === comparable(field, b[field]))
}
