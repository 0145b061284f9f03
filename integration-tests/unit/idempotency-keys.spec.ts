import { readdirSync, readFileSync, statSync } from "fs"
import { join, relative } from "path"
import { IdempotencyKeys } from "../../src/lib/shared/idempotency-keys"

const SRC = join(__dirname, "../../src")

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

describe("idempotency keys", () => {
  // Keys are stored with the rows they guard: these strings are the format of
  // keys already in merchants' databases, and must never change.
  it("builds every key exactly as the stored rows spell it", () => {
    const at = new Date("2027-03-01T10:00:00.000Z")
    expect({
      orderEarning: IdempotencyKeys.orderEarning("order_1"),
      orderCorrectionEarn: IdempotencyKeys.orderCorrection("order_1", "earn", 3),
      orderCorrectionReverse: IdempotencyKeys.orderCorrection("order_1", "reverse", 4),
      orderRelease: IdempotencyKeys.orderRelease("order_1"),
      orderRestore: IdempotencyKeys.orderRestore("order_1", 250),
      cartRedemption: IdempotencyKeys.cartRedemption("cart_1", "tx_1"),
      accountClosure: IdempotencyKeys.accountClosure("cus_1"),
      accountClosureOrder: IdempotencyKeys.accountClosure("cus_1", "order_1"),
      lotExpiry: IdempotencyKeys.lotExpiry("lot_1"),
      entryRevert: IdempotencyKeys.entryRevert("entry_1"),
      signupBonus: IdempotencyKeys.signupBonus("cus_1"),
      adjustment: IdempotencyKeys.adjustment(IdempotencyKeys.adjustmentRequest("cus_1", "abc")),
      couponPurchase: IdempotencyKeys.couponPurchase("cus_1", "req_1"),
      couponRedemption: IdempotencyKeys.couponRedemption("coupon_1"),
      couponRefund: IdempotencyKeys.couponRefund("coupon_1"),
      referralReward: IdempotencyKeys.referralReward("ref_1", "referee"),
      referralTakeBack: IdempotencyKeys.referralTakeBack("ref_1", "referrer"),
      feedbackCredit: IdempotencyKeys.feedbackCredit("order_1"),
      feedbackTakeBack: IdempotencyKeys.feedbackTakeBack("order_1"),
      tierBonus: IdempotencyKeys.tierBonus("cus_1", "tier_1"),
      memberImport: IdempotencyKeys.memberImport("abc123", "cus_1", 250, 1),
      memberImportSecondRow: IdempotencyKeys.memberImport("abc123", "cus_1", 250, 2),
      memberImportByPosition: IdempotencyKeys.memberImportByPosition("abc123", "cus_1", 2),
      memberImportPrefix: IdempotencyKeys.memberImportPrefix("abc123"),
      releaseActivity: IdempotencyKeys.releaseActivity("entry_1"),
      tierDeleted: IdempotencyKeys.tierDeleted("tier_1", "cus_1"),
      tierQualified: IdempotencyKeys.tierQualified("cus_1", "tier_1", at),
      tierReview: IdempotencyKeys.tierReview("cus_1", at),
      tierOverride: IdempotencyKeys.tierOverride("override_1"),
      tierOverrideEnd: IdempotencyKeys.tierOverrideEnd("override_1"),
      birthday: IdempotencyKeys.actionCompletion("birthday", IdempotencyKeys.memberDayScope("cus_1", 2027)),
      customAction: IdempotencyKeys.actionCompletion("newsletter", IdempotencyKeys.actionRequestScope("cus_1", "req_1")),
      review: IdempotencyKeys.actionCompletion("review", "rev_1"),
      notification: IdempotencyKeys.notification("points-expiring", "lot_1"),
      notificationSide: IdempotencyKeys.notification("referral-rewarded", "ref_1", "referee"),
    }).toEqual({
      orderEarning: "earn:order:order_1",
      orderCorrectionEarn: "earn:order:order_1:3",
      orderCorrectionReverse: "reverse:order:order_1:4",
      orderRelease: "release:order:order_1",
      orderRestore: "restore:order:order_1:upto:250",
      cartRedemption: "redeem:cart:cart_1:tx_1",
      accountClosure: "close:customer:cus_1",
      accountClosureOrder: "close:customer:cus_1:order:order_1",
      lotExpiry: "expire:lot:lot_1",
      entryRevert: "revert:entry:entry_1",
      signupBonus: "signup:customer:cus_1",
      adjustment: "adjust:cus_1:abc",
      couponPurchase: "coupon:cus_1:req_1",
      couponRedemption: "redeem:coupon:coupon_1",
      couponRefund: "refund:coupon:coupon_1",
      referralReward: "referral:ref_1:referee",
      referralTakeBack: "revoke:referral:ref_1:referrer",
      feedbackCredit: "feedback:order:order_1",
      feedbackTakeBack: "revoke:feedback:order:order_1",
      tierBonus: "tier-bonus:cus_1:tier_1",
      memberImport: "import:abc123:cus_1:250pt",
      memberImportSecondRow: "import:abc123:cus_1:250pt:2",
      memberImportByPosition: "import:abc123:cus_1:2",
      memberImportPrefix: "import:abc123:",
      releaseActivity: "release:entry_1",
      tierDeleted: "tier-deleted:tier_1:cus_1",
      tierQualified: "qualified:cus_1:tier_1:2027-03-01T10:00:00.000Z",
      tierReview: "review:cus_1:2027-03-01T10:00:00.000Z",
      tierOverride: "override:override_1",
      tierOverrideEnd: "override-end:override_1",
      birthday: "action:birthday:cus_1:2027",
      customAction: "action:newsletter:cus_1:req_1",
      review: "action:review:rev_1",
      notification: "loyalty:points-expiring:lot_1",
      notificationSide: "loyalty:referral-rewarded:ref_1:referee",
    })
  })

  it("are built only in lib/shared/idempotency-keys.ts, never as a template elsewhere in src", () => {
    // a key field given a template, or a template that starts like one of the keys
    const keyTemplate =
      /\b(?:idempotency_key|credit_key)\s*:\s*`|`(?:earn|reverse|release|restore|redeem|close|expire|revert|signup|adjust|coupon|refund|referral|revoke|feedback|tier-bonus|tier-deleted|qualified|review|override|override-end):/
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.endsWith(join("lib", "shared", "idempotency-keys.ts")))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
          .filter(({ line }) => !/^\s*(\*|\/\/|\/\*)/.test(line) && keyTemplate.test(line))
          .map(({ at }) => at)
      )
    expect(offenders).toEqual([])
  })
})
