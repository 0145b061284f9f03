/**
 * Every idempotency key the plugin writes, built in one place. A key is
 * stored on the row it guards (ledger entries, tier activity, tier history,
 * coupons) and a second write with the same key changes nothing. The strings
 * are therefore part of the stored data: a key's format never changes, or an
 * event a store already handled would be handled again. The unit test pins
 * each builder's output.
 */

/** Which side of a referral a credit or take-back is for. */
export type ReferralSide = "referrer" | "referee"

export const IdempotencyKeys = {
  /** Points ledger: an order's first earning (its `pending` or `earn` entry). */
  orderEarning: (orderId: string) => `earn:order:${orderId}`,
  /** Points ledger: a later correction of an order's points, numbered by the order's entries so far. */
  orderCorrection: (orderId: string, direction: "earn" | "reverse", entriesSoFar: number) =>
    `${direction}:order:${orderId}:${entriesSoFar}`,
  /** Points ledger: an order's pending points released. */
  orderRelease: (orderId: string) => `release:order:${orderId}`,
  /** Points ledger: points paid on an order given back up to a level (a level, so it is idempotent). */
  orderRestore: (orderId: string, upTo: number) => `restore:order:${orderId}:upto:${upTo}`,
  /** Points ledger: one checkout attempt's debit (the workflow transaction of `completeCartWorkflow`). */
  cartRedemption: (cartId: string, transactionId: string) => `redeem:cart:${cartId}:${transactionId}`,
  /** Points ledger: an account closed because the customer was deleted, per pending order then the balance. */
  accountClosure: (customerId: string, orderId?: string) =>
    orderId ? `close:customer:${customerId}:order:${orderId}` : `close:customer:${customerId}`,
  /** Points ledger: one lot emptied by the expiry job. */
  lotExpiry: (lotId: string) => `expire:lot:${lotId}`,
  /** Points ledger: an entry undone by a workflow's compensation. */
  entryRevert: (entryId: string) => `revert:entry:${entryId}`,
  /** Points ledger: the sign-up bonus. */
  signupBonus: (customerId: string) => `signup:customer:${customerId}`,
  /** Points ledger: a staff adjustment, by the request's key (see `adjustmentRequest`). */
  adjustment: (requestKey: string) => `adjust:${requestKey}`,
  /** A staff adjustment's request key: the `Idempotency-Key` header, scoped to the customer. */
  adjustmentRequest: (customerId: string, header: string) => `${customerId}:${header}`,
  /** Coupons: one purchase request of a customer (the coupon row's key). */
  couponPurchase: (customerId: string, requestKey: string) => `coupon:${customerId}:${requestKey}`,
  /** Points ledger: the points a coupon cost. */
  couponRedemption: (couponId: string) => `redeem:coupon:${couponId}`,
  /** Points ledger: an unused coupon's points given back, by the expiry job or a failed checkout. */
  couponRefund: (couponId: string) => `refund:coupon:${couponId}`,
  /** Points ledger: one side's referral reward: a referral pays each side once, whoever asks. */
  referralReward: (referralId: string, side: ReferralSide) => `referral:${referralId}:${side}`,
  /** Points ledger: one side's referral reward taken back. */
  referralTakeBack: (referralId: string, side: ReferralSide) => `revoke:referral:${referralId}:${side}`,
  /** Points ledger: the points for feedback on an order. */
  feedbackCredit: (orderId: string) => `feedback:order:${orderId}`,
  /** Points ledger: the feedback points taken back. */
  feedbackTakeBack: (orderId: string) => `revoke:feedback:order:${orderId}`,
  /**
   * Points ledger: an action paid. `scope` says what makes it unique: the
   * year for birthdays and anniversaries, the review for reviews, the
   * caller's request key (scoped to the customer) for custom actions.
   */
  actionCompletion: (code: string, scope: string) => `action:${code}:${scope}`,
  /** An action's scope for a yearly member day (birthday, anniversary): once per member and local year. */
  memberDayScope: (customerId: string, year: number) => `${customerId}:${year}`,
  /** An action's scope for the first order: once per member, ever. */
  firstOrderScope: (customerId: string) => customerId,
  /** An action's scope for a reported completion: the `Idempotency-Key` header, scoped to the customer. */
  actionRequestScope: (customerId: string, header: string) => `${customerId}:${header}`,
  /** Notification Module: one message of a kind about one entry, lot or record (and side, for referrals). */
  notification: (kind: string, id: string, side?: string) => `loyalty:${kind}:${id}${side ? `:${side}` : ""}`,
  /**
   * Points ledger: one imported row, keyed by what it says: the import's key (the merchant's name
   * for it, else the SHA-256 of the uploaded content), the customer, the row's points, and which
   * of that customer's rows with those points it is (from the second on). A corrected file
   * imported under the same key finds each row by its content, not by its position among the
   * member's rows, so a row moved or removed never makes another amount count as imported.
   */
  memberImport: (importKey: string, customerId: string, points: number, occurrence: number) =>
    `import:${importKey}:${customerId}:${points}pt${occurrence > 1 ? `:${occurrence}` : ""}`,
  /**
   * Points ledger: an imported row as imports wrote it before rows were keyed by content (the
   * member's n-th row in the file). Only read: a run under a key those imports used still finds
   * their rows, so it does not credit them again.
   */
  memberImportByPosition: (importKey: string, customerId: string, occurrence: number) =>
    `import:${importKey}:${customerId}${occurrence > 1 ? `:${occurrence}` : ""}`,
  /** Points ledger: the prefix every imported row of one import key shares. */
  memberImportPrefix: (importKey: string) => `import:${importKey}:`,
  /** Points ledger: the one-time bonus for reaching a tier. */
  tierBonus: (customerId: string, tierId: string) => `tier-bonus:${customerId}:${tierId}`,
  /** Tier activity: one points release counted toward tiers (by the release entry). */
  releaseActivity: (releaseEntryId: string) => `release:${releaseEntryId}`,
  /** Tier history: a member moved because their tier was deleted. */
  tierDeleted: (tierId: string, customerId: string) => `tier-deleted:${tierId}:${customerId}`,
  /** Tier history: a customer reached a tier at an instant. */
  tierQualified: (customerId: string, tierId: string, at: Date) => `qualified:${customerId}:${tierId}:${at.toISOString()}`,
  /** Tier history: the review at the end of a qualification period. */
  tierReview: (customerId: string, qualifiedUntil: Date) => `review:${customerId}:${qualifiedUntil.toISOString()}`,
  /** `loyalty.tier.expiring`: one warning per membership and period (its notification is keyed by it). */
  tierDropReminder: (membershipId: string, qualifiedUntil: Date) => `${membershipId}:${qualifiedUntil.getTime()}`,
  /** Tier history: an override set by staff. */
  tierOverride: (overrideId: string) => `override:${overrideId}`,
  /** Tier history: an override ended. */
  tierOverrideEnd: (overrideId: string) => `override-end:${overrideId}`,
} as const
