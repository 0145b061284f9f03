import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId } from "@medusajs/framework/utils"
import { setLockTimeout } from "../../lib/db"
import { ClaimWindowCounts, ReferralFlag, ReferralProgramSettings } from "../../lib/referrals/rules"
import type { PostedReward, RewardsNote } from "./types"

/**
 * The referrals module's SQL, in one place: only what Postgres is the point
 * of. Unique codes and one referral per friend (inserts that do nothing on a
 * unique clash), the claim rate limit and the monthly cap (counts taken under
 * transaction-scoped advisory locks, attempts stamped with the statement's
 * clock), the row lock every status change takes, the rewards noted once (a
 * conditional update), the prune of old attempts and the keyset due read of
 * unposted rewards. Everything else goes through `MedusaService`'s generated
 * methods.
 */

/** Advisory lock namespaces (the first key of `pg_advisory_xact_lock(int, int)`). */
const LOCK_CLAIMS_BY_CUSTOMER = 0x4c524331 // "LRC1"
const LOCK_CLAIMS_BY_ADDRESS = 0x4c524332 // "LRC2"
const LOCK_REFERRER = 0x4c524633 // "LRF3"

// ---------------------------------------------------------------- codes

/**
 * Insert a code for the customer unless either unique index (this customer,
 * or this code) already has it: no conflict target, so a clash on either
 * inserts nothing. The new row's id, or null.
 */
export async function insertCode(trx: Knex.Transaction, customerId: string, code: string): Promise<string | null> {
  const { rows } = await trx.raw(
    `INSERT INTO loyalty_referral_code (id, customer_id, code) VALUES (?, ?, ?)
     ON CONFLICT DO NOTHING RETURNING id`,
    [generateEntityId(undefined, "lrcode"), customerId, code]
  )
  return rows[0]?.id ?? null
}

// ---------------------------------------------------------------- claim rate limit

/**
 * Lock the customer's and the address's attempts for the rest of the
 * transaction (advisory locks, always in that order so two requests cannot
 * deadlock), then count both sides' attempts in the window, with each side's
 * oldest and the clock.
 */
export async function lockAndCountClaimAttempts(
  trx: Knex.Transaction,
  input: { customer_id: string; client_address: string },
  windowMinutes: number
): Promise<ClaimWindowCounts> {
  await setLockTimeout(trx)
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
    { customer: input.customer_id, address: input.client_address, minutes: windowMinutes }
  )
  return rows[0]
}

/** Record an attempt stamped with the clock (not the transaction's start), as the window is counted; its id. */
export async function insertClaimAttempt(
  trx: Knex.Transaction,
  input: { customer_id: string; client_address: string }
): Promise<string> {
  const id = generateEntityId(undefined, "lratt")
  await trx.raw(
    `INSERT INTO loyalty_referral_claim_attempt (id, customer_id, client_address, created_at, updated_at)
     VALUES (?, ?, ?, clock_timestamp(), clock_timestamp())`,
    [id, input.customer_id, input.client_address]
  )
  return id
}

/** Delete attempts older than `before` in one statement; how many went. */
export async function deleteClaimAttemptsBefore(trx: Knex.Transaction, before: Date): Promise<number> {
  const { rowCount } = await trx.raw("DELETE FROM loyalty_referral_claim_attempt WHERE created_at < ?", [before])
  return rowCount ?? 0
}

// ---------------------------------------------------------------- referrals

/**
 * Lock the referrer for the rest of the transaction (an advisory lock) and
 * count their referrals claimed since `since` (rejected ones not counted), so
 * two friends claiming at once cannot both slip under the monthly cap.
 */
export async function lockReferrerAndCountClaims(trx: Knex.Transaction, referrerId: string, since: Date): Promise<number> {
  await setLockTimeout(trx)
  await trx.raw("SELECT pg_advisory_xact_lock(?, hashtext(?))", [LOCK_REFERRER, referrerId])
  const { rows } = await trx.raw(
    `SELECT count(*)::int AS claimed FROM loyalty_referral
      WHERE referrer_id = ? AND claimed_at >= ? AND status <> 'rejected' AND deleted_at IS NULL`,
    [referrerId, since]
  )
  return rows[0].claimed
}

/**
 * Insert a referral with the program's rewards copied in, unless the friend
 * already has one (a second claim clashes on the unique referee index and
 * inserts nothing). The new row's id, or null.
 */
export async function insertReferralOnce(
  trx: Knex.Transaction,
  input: { code: string; referrer_id: string; referee_id: string; flags: ReferralFlag[]; claimed_at: Date },
  program: ReferralProgramSettings
): Promise<string | null> {
  const { rows } = await trx.raw(
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
      input.flags.length ? "flagged" : "claimed",
      JSON.stringify(input.flags),
      program.version,
      program.referrer_points,
      program.referee_points,
      JSON.stringify(program.min_order_amounts),
      input.claimed_at,
    ]
  )
  return rows[0]?.id ?? null
}

/** Lock the referral row for the rest of the transaction before a status change; false when there is none. */
export async function lockReferral(trx: Knex.Transaction, referralId: string): Promise<boolean> {
  await setLockTimeout(trx)
  const locked = await trx("loyalty_referral").select("id").where({ id: referralId }).whereNull("deleted_at").forUpdate()
  return locked.length > 0
}

/**
 * Note a rewarded referral's ledger entries, once: a conditional update, so
 * of concurrent callers only one changes the row. True for that one.
 */
export async function markRewardsPosted(
  trx: Knex.Transaction,
  input: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null }
): Promise<RewardsNote | null> {
  const { rows } = await trx.raw(
    `UPDATE loyalty_referral
        SET rewards_posted_at = clock_timestamp(), referrer_entry_id = ?, referee_entry_id = ?, updated_at = now()
      WHERE id = ? AND status = 'rewarded' AND rewards_posted_at IS NULL
     RETURNING id AS referral_id, rewards_posted_at::text AS rewards_posted_at, referrer_entry_id, referee_entry_id`,
    [input.referrer_entry_id, input.referee_entry_id, input.referral_id]
  )
  return rows[0] ?? null
}

/** Rewarded referrals whose ledger entries were never noted, rewarded before `before`: the repair's keyset due read (rewarded at, id). */
export const dueUnpostedRewards = (before: Date) => (knex: Knex) =>
  knex("loyalty_referral")
    .where({ status: "rewarded" })
    .whereNull("rewards_posted_at")
    .where("rewarded_at", "<", before)
    .whereNull("deleted_at")

/**
 * Note the ledger entries of a page of rewarded referrals in one statement,
 * each as `markRewardsPosted` notes one (the same condition: rewarded, not
 * noted yet); returns the referrals this statement noted, in the page's order,
 * each with the note as written (`rewards_posted_at` as Postgres prints it,
 * to the microsecond, so a compensation can compare it exactly).
 */
export async function markRewardsPostedPage(
  trx: Knex.Transaction,
  rows: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null }[]
): Promise<(PostedReward & { rewards_posted_at: string })[]> {
  if (!rows.length) return []
  const { rows: posted } = await trx.raw(
    `WITH page AS (
       SELECT * FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (referral_id text, referrer_entry_id text, referee_entry_id text))
              WITH ORDINALITY AS m(referral_id, referrer_entry_id, referee_entry_id, n)
     ), noted AS (
       UPDATE loyalty_referral r
          SET rewards_posted_at = clock_timestamp(), referrer_entry_id = p.referrer_entry_id, referee_entry_id = p.referee_entry_id,
              updated_at = now()
         FROM page p
        WHERE r.id = p.referral_id AND r.status = 'rewarded' AND r.rewards_posted_at IS NULL
       RETURNING r.id, r.referrer_id, r.referee_id, r.order_id, r.referrer_points, r.referee_points, r.referrer_entry_id,
                 r.referee_entry_id, r.rewards_posted_at, p.n
     )
     SELECT id, referrer_id, referee_id, order_id, referrer_points, referee_points, referrer_entry_id, referee_entry_id,
            rewards_posted_at::text AS rewards_posted_at
       FROM noted ORDER BY n`,
    [JSON.stringify(rows)]
  )
  return posted
}

/**
 * Forget the notes a payment wrote (its compensation), in one statement,
 * each only while the referral still holds exactly that note and is still
 * `rewarded` (compare-and-set: the row is re-checked under its lock as the
 * update takes it). A referral another flow changed since (a take-back took
 * its rewards back and said so, another run noted it anew) keeps what it has.
 * Returns the referrals whose note was forgotten.
 */
export async function forgetRewardNotes(trx: Knex.Transaction, notes: RewardsNote[]): Promise<string[]> {
  if (!notes.length) return []
  const { rows } = await trx.raw(
    `UPDATE loyalty_referral r
        SET rewards_posted_at = NULL, referrer_entry_id = NULL, referee_entry_id = NULL, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS n(referral_id text, rewards_posted_at timestamptz, referrer_entry_id text, referee_entry_id text)
      WHERE r.id = n.referral_id AND r.status = 'rewarded' AND r.deleted_at IS NULL
        AND r.rewards_posted_at = n.rewards_posted_at
        AND r.referrer_entry_id IS NOT DISTINCT FROM n.referrer_entry_id
        AND r.referee_entry_id IS NOT DISTINCT FROM n.referee_entry_id
     RETURNING r.id`,
    [JSON.stringify(notes)]
  )
  return rows.map((row: { id: string }) => row.id)
}

/** Referrals whose rewards were posted and are still kept (`rewarded`): the take-back reconciliation's keyset read (posted at, id). */
export const duePostedRewards = (knex: Knex) =>
  knex("loyalty_referral").where({ status: "rewarded" }).whereNotNull("rewards_posted_at").whereNull("deleted_at")
