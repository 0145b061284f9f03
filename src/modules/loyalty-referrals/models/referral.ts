import { model } from "@medusajs/framework/utils"
import { REFERRAL_STATUSES } from "../../../lib/shared/vocabulary"
import type { ReferralFlag } from "../../../lib/referrals/rules"

/**
 * One friend who claimed one referrer's code. Its life: `claimed` → the
 * friend's first qualifying order makes it `qualified` → once that order is
 * past its return window both sides are paid and it is `rewarded`. A fraud
 * rule makes it `flagged` (the reasons are in `flags`) until an admin approves
 * (back to `claimed`) or rejects it (`rejected`, final). A rewarded referral
 * whose order is canceled or refunded in full before its credits are posted
 * is not paid: `forfeited`, final, with `forfeit_reason`; one whose rewards
 * were paid and then taken back (the order canceled or refunded in full
 * later) ends `forfeited` too, with its entries still noted.
 *
 * The rewards and the minimum order are copied from the program when the code
 * is claimed: the friend gets what was on offer when they signed up.
 */
const Referral = model
  .define("loyalty_referral", {
    id: model.id({ prefix: "lref" }).primaryKey(),
    code: model.text(),
    referrer_id: model.text(),
    referee_id: model.text(),
    status: model.enum([...REFERRAL_STATUSES]).default("claimed"),
    /** Every reason found, oldest first, each with when it was found and whether an admin cleared it. */
    flags: model.json<ReferralFlag[]>(),
    /** The friend's qualifying order, once there is one. */
    order_id: model.text().nullable(),
    program_version: model.number(),
    referrer_points: model.number(),
    referee_points: model.number(),
    min_order_amounts: model.json<Record<string, number>>(),
    claimed_at: model.dateTime(),
    qualified_at: model.dateTime().nullable(),
    rewarded_at: model.dateTime().nullable(),
    /** Set once both ledger entries are written; a rewarded referral without it is repaired by the job. */
    rewards_posted_at: model.dateTime().nullable(),
    referrer_entry_id: model.text().nullable(),
    referee_entry_id: model.text().nullable(),
    /**
     * Why a reward of this referral was not paid or not kept: the whole
     * referral (`forfeited`: its order was canceled or refunded in full
     * before the credits were posted, or after, and they were taken back),
     * or one side (still `rewarded`: that customer was deleted, so their
     * points account is closed and the other side is paid alone).
     */
    forfeit_reason: model.text().nullable(),
    /** The last admin decision: who, when, what and why. */
    decision: model.enum(["approved", "rejected"]).nullable(),
    decided_by: model.text().nullable(),
    decided_at: model.dateTime().nullable(),
    decision_note: model.text().nullable(),
  })
  .indexes([
    { on: ["referee_id"], unique: true, where: "deleted_at IS NULL" },
    { name: "IDX_loyalty_referral_referrer_claimed", on: ["referrer_id", "claimed_at"] },
    { name: "IDX_loyalty_referral_status_claimed", on: ["status", "claimed_at"] },
    // The referrals pass reads the open ones (OPEN_REFERRAL_STATUSES) in keyset order of id.
    { name: "IDX_loyalty_referral_open", on: ["id"], where: "status IN ('claimed', 'qualified')" },
    {
      name: "IDX_loyalty_referral_rewards_unposted",
      on: ["rewarded_at", "id"],
      where: "status = 'rewarded' AND rewards_posted_at IS NULL",
    },
    // The take-back reconciliation reads the paid referrals still kept in keyset order (posted at, id).
    {
      name: "IDX_loyalty_referral_rewards_posted",
      on: ["rewards_posted_at", "id"],
      where: "status = 'rewarded' AND rewards_posted_at IS NOT NULL",
    },
  ])
  .checks([
    { name: "loyalty_referral_points_check", expression: (c) => `${c.referrer_points} >= 0 AND ${c.referee_points} >= 0` },
    { name: "loyalty_referral_not_self_check", expression: (c) => `${c.referrer_id} <> ${c.referee_id}` },
  ])

export default Referral
