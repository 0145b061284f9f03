import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { moduleTestDbName } from "../helpers/module-db"
import { LOYALTY_REFERRALS_MODULE } from "../../src/modules/loyalty-referrals"
import LoyaltyReferralsModuleService from "../../src/modules/loyalty-referrals/service"

jest.setTimeout(60_000)

/**
 * What Postgres guarantees for referrals, exercised with concurrent calls:
 * each call runs in its own transaction on its own pooled connection, as
 * requests in separate server processes would.
 */
moduleIntegrationTestRunner<LoyaltyReferralsModuleService>({
  moduleName: LOYALTY_REFERRALS_MODULE,
  dbName: moduleTestDbName(LOYALTY_REFERRALS_MODULE),
  resolve: "./src/modules/loyalty-referrals",
  moduleOptions: {
    referrals: {
      enabled: true,
      referrerPoints: 300,
      refereePoints: 200,
      monthlyCap: 2,
      claimAttempts: { perCustomer: 5, perAddress: 8, windowMinutes: 60 },
    },
  },
  testSuite: ({ service }) => {
    const claim = (referee: string, referrer = "cus_referrer") =>
      service.createReferral({ code: "AAAAA-BBBBB", referrer_id: referrer, referee_id: referee, flags: [], now: new Date() })

    it("gives every customer one unique code, also when asked 10 times at once", async () => {
      const same = await Promise.all(Array.from({ length: 10 }, () => service.ensureCode("cus_once")))
      expect(new Set(same.map((r) => r.code.code)).size).toBe(1)
      expect(same.filter((r) => r.created)).toHaveLength(1)

      const many = await Promise.all(Array.from({ length: 200 }, (_, i) => service.ensureCode(`cus_${i}`)))
      const codes = many.map((r) => r.code.code)
      expect(new Set(codes).size).toBe(200)
      expect(codes.every((c) => /^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$/.test(c))).toBe(true)

      const found = await service.retrieveCodeByValue(codes[0].toLowerCase().replace("-", " "))
      expect(found?.customer_id).toBe("cus_0")
      expect(await service.retrieveCodeByValue("ZZZZZ-ZZZZZ")).toBeNull()
    })

    it("lets exactly 5 of 12 simultaneous claim attempts of one customer through", async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, () => service.registerClaimAttempt({ customer_id: "cus_x", client_address: "203.0.113.1" }))
      )
      expect(results.filter((r) => r.allowed)).toHaveLength(5)
      const refused = results.filter((r) => !r.allowed)
      expect(refused.every((r) => r.limited_by === "customer" && r.retry_after_seconds > 3500)).toBe(true)
      expect(await service.listClaimAttempts({ customer_id: "cus_x" })).toHaveLength(5)
    })

    it("counts one address across customers: 8 attempts per address, whoever makes them", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          service.registerClaimAttempt({ customer_id: `cus_${i}`, client_address: "198.51.100.7" })
        )
      )
      expect(results.filter((r) => r.allowed)).toHaveLength(8)
      expect(results.filter((r) => r.limited_by === "address")).toHaveLength(12)
      // Another address is not affected; pruning forgets old attempts.
      expect((await service.registerClaimAttempt({ customer_id: "cus_99", client_address: "198.51.100.8" })).allowed).toBe(true)
      expect(await service.pruneClaimAttempts(new Date(Date.now() + 1000))).toBe(9)
      expect((await service.registerClaimAttempt({ customer_id: "cus_0", client_address: "198.51.100.7" })).allowed).toBe(true)
    })

    it("holds the monthly cap when 6 friends claim one referrer's code at once", async () => {
      const referrals = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(`cus_friend_${i}`)))
      expect(referrals.filter((r) => r.status === "claimed")).toHaveLength(2)
      const flagged = referrals.filter((r) => r.status === "flagged")
      expect(flagged).toHaveLength(4)
      expect(flagged.map((r) => r.flags[0].message).sort()).toEqual([
        "The referrer's 3rd referral this month; the monthly cap is 2",
        "The referrer's 4th referral this month; the monthly cap is 2",
        "The referrer's 5th referral this month; the monthly cap is 2",
        "The referrer's 6th referral this month; the monthly cap is 2",
      ])
      // Rewards are copied from the program at claim time.
      expect(referrals[0]).toMatchObject({ referrer_points: 300, referee_points: 200, program_version: 0 })
    })

    it("refers a friend once, and never to themselves", async () => {
      await claim("cus_friend")
      await expect(claim("cus_friend", "cus_other")).rejects.toThrow("You have already used a referral code.")
      await expect(claim("cus_self", "cus_self")).rejects.toThrow(/loyalty_referral_not_self_check/)
    })

    it("lets one of 5 racing runs win the reward, and keeps admin decisions to allowed states", async () => {
      const referral = await claim("cus_friend")
      const now = new Date()
      const runs = await Promise.all(
        Array.from({ length: 5 }, () => service.markRewarded({ referral_id: referral.id, order_id: "order_1", now }))
      )
      expect(runs.filter(Boolean)).toHaveLength(1)
      const posted = await Promise.all(
        Array.from({ length: 3 }, () =>
          service.recordRewards({ referral_id: referral.id, referrer_entry_id: "lent_1", referee_entry_id: "lent_2" })
        )
      )
      expect(posted.filter(Boolean)).toHaveLength(1)
      await expect(
        service.decideReferral({ referral_id: referral.id, decision: "reject", actor_id: "user_1", note: "late", now })
      ).rejects.toThrow("A rewarded referral can no longer be rejected")

      const held = await service.flagReferral({
        referral_id: (await claim("cus_friend_2")).id,
        flags: [{ key: "same_phone", rule: "same_phone", message: "Same phone", order_id: null }],
        order_id: null,
        now,
      })
      expect(held?.referral.status).toBe("flagged")
      const approved = await service.decideReferral({
        referral_id: held!.referral.id,
        decision: "approve",
        actor_id: "user_1",
        note: "Flatmates, checked by phone",
        now,
      })
      expect(approved.referral).toMatchObject({ status: "claimed", decision: "approved", decision_note: "Flatmates, checked by phone" })
      expect(approved.referral.flags[0].cleared_at).not.toBeNull()
      await expect(
        service.decideReferral({ referral_id: held!.referral.id, decision: "approve", actor_id: "user_1", note: "again", now })
      ).rejects.toThrow("Only a flagged referral can be approved; this one is claimed")
    })
  },
})
