import { MedusaError } from "@medusajs/framework/utils"
import { adjustPointsWorkflow } from "../../src/workflows/points/adjust-points"
import { purchaseCouponWorkflow } from "../../src/workflows/rewards/purchase-coupon"
import {
  AdminUser,
  attempt,
  get,
  ledgerTotals,
  memberWith,
  post,
  StoreHeaders,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/**
 * What a merchant's own code may say. A hook takes one handler per app and
 * cannot be taken back, so these are registered once, for the whole boot, and
 * do nothing unless a test of this suite turns them on.
 */
const merchant = {
  /** When set, the validate hooks refuse with this message. */
  refuse: null as string | null,
  adjusted: [] as { customer_id: string; entry_id: string | undefined; points: number | undefined }[],
  purchased: [] as { coupon_id: string; created: boolean }[],
}

adjustPointsWorkflow.hooks.validate(({ input }) => {
  if (merchant.refuse) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${merchant.refuse} (${input.points} points)`)
})
adjustPointsWorkflow.hooks.pointsAdjusted(({ customer_id, result }) => {
  merchant.adjusted.push({ customer_id, entry_id: result?.entry.id, points: result?.entry.points })
})
purchaseCouponWorkflow.hooks.validate(() => {
  if (merchant.refuse) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, merchant.refuse)
})
purchaseCouponWorkflow.hooks.couponPurchased(({ coupon, created }) => {
  merchant.purchased.push({ coupon_id: coupon.id, created })
})

/**
 * The plugin's workflows expose hooks as Medusa's core flows do: a `validate`
 * hook that refuses the operation before anything is written, and a hook
 * after the write that sees what was written.
 */
export default httpSuite({
  title: "extension points",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(() => {
      ;({ admin, storeHeaders } = store())
    })

    // The hooks see every suite's adjustments and purchases: each test reads only its own.
    beforeEach(() => {
      merchant.adjusted.length = 0
      merchant.purchased.length = 0
    })
    afterEach(() => {
      merchant.refuse = null
    })

    it("a throwing validate hook refuses an adjustment with a 400 that says why, and nothing changes", async () => {
      const shopper = await memberWith(api, storeHeaders, admin.headers, "frozen@example.com", 50)
      const id = shopper.customer.id
      merchant.refuse = "Adjustments are frozen during the audit"

      const refused = await attempt(
        api.post(`/admin/loyalty/accounts/${id}/adjustments`, { points: 500, reason: "VIP" }, { headers: admin.headers })
      )

      expect(refused.status).toBe(400)
      expect(refused.data.message).toBe("Adjustments are frozen during the audit (500 points)")
      expect(merchant.adjusted).toEqual([])
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account).toMatchObject({ balance: 50 })
      const { entries } = await get(api, `/admin/loyalty/accounts/${id}`, admin.headers)
      expect(entries.map((e: { type: string }) => e.type)).toEqual(["earn"])
      const totals = (await ledgerTotals(getContainer(), id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.cached.balance).toBe(50)
      expect(totals.lots).toBe(50)
    })

    it("the hook after an adjustment sees the entry it wrote", async () => {
      const shopper = await memberWith(api, storeHeaders, admin.headers, "goodwill-hook@example.com", 50)
      const adjusted = await post(
        api,
        `/admin/loyalty/accounts/${shopper.customer.id}/adjustments`,
        { points: 75, reason: "Late parcel" },
        admin.headers
      )

      expect(merchant.adjusted).toEqual([{ customer_id: shopper.customer.id, entry_id: adjusted.entry.id, points: 75 }])
      expect(adjusted.account.balance).toBe(125)
    })

    it("a throwing validate hook refuses a coupon purchase: no points spent, no coupon; once allowed, the hook after sees it", async () => {
      const reward = (
        await post(
          api,
          "/admin/loyalty/rewards",
          { name: "10 % off", kind: "percentage", percentage: 10, points_cost: 100, valid_days: 7 },
          admin.headers
        )
      ).reward
      const shopper = await memberWith(api, storeHeaders, admin.headers, "coupon-hook@example.com", 300)
      const buy = (key: string) =>
        attempt(
          api.post(
            "/store/loyalty/coupons",
            { reward_id: reward.id },
            { headers: { ...shopper.headers, "idempotency-key": key } }
          )
        )
      merchant.refuse = "Coupons are paused"

      const refused = await buy("hook-refused")

      expect(refused.status).toBe(400)
      expect(refused.data.message).toBe("Coupons are paused")
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(300)
      expect((await get(api, "/store/loyalty/coupons", shopper.headers)).coupons).toEqual([])
      expect(merchant.purchased).toEqual([])

      merchant.refuse = null
      const bought = await buy("hook-allowed")
      expect(bought.status).toBe(201)
      expect(merchant.purchased).toEqual([{ coupon_id: bought.data.coupon.id, created: true }])
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(200)
    })
  },
})
