import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { referralRewardPosting } from "../../src/lib/referrals/rewards"
import { LoyaltyEvents, PointsEventData } from "../../src/lib/shared/events"
import evaluateReferralOnPoints from "../../src/subscribers/evaluate-referral"
import { releasePendingPointsWorkflow } from "../../src/workflows/points"
import {
  evaluateReferralsWorkflow,
  evaluateReferralWorkflow,
  evaluateReferralWorkflowId,
  postReferralRewardsPageWorkflow,
  postReferralRewardsPageWorkflowId,
  postReferralRewardsWorkflow,
  postReferralRewardsWorkflowId,
  takeBackLostReferralRewardsWorkflow,
} from "../../src/workflows/referrals"
import { recordReferralRewardPageStepId } from "../../src/workflows/referrals/steps/record-referral-reward-page"
import { emitReferralPageRewardedStepId } from "../../src/workflows/referrals/post-referral-rewards-page"
import { blockOtherRuns, runFailingAt } from "../helpers/fault-injection"
import { takeBackReferralRewardsWorkflowId } from "../../src/workflows/referrals/take-back-referral-rewards"
import {
  AdminUser,
  attempt,
  cancelOrder,
  capturePayment,
  CommerceFixture,
  daysFromNow,
  eventually,
  get,
  getOrderPayments,
  ledgerTotals,
  placeOrder,
  pointsService,
  post,
  refundPayment,
  registerCustomer,
  RegisteredCustomer,
  StoreHeaders,
  subscribersDone,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

const CODE = /^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$/
const CODE_NOT_ACCEPTED = {
  type: "not_allowed",
  message: "This referral code can't be used. Check that it is typed correctly; your own code can't be used.",
}

/**
 * Referrals end to end on real checkouts: a shopper shares a code, a new
 * friend claims it before their first order, and both are paid once the
 * friend's first qualifying order is past its return window — once, however
 * often the jobs run and events arrive. Fraud rules hold referrals for an
 * admin, with the reason; code probing gets one answer and a rate limit.
 *
 * medusa-config.ts gives the test store: 1 point per EUR, 14-day return
 * window, 50-point sign-up bonus; referrals on, 300 points for the referrer,
 * 200 for the friend, 50 EUR minimum first order, 30-day claim window, cap 10
 * a month, 5 claim attempts per customer and 12 per address an hour.
 */
export default httpSuite({
  title: "referrals",
  register: ({ api, getContainer, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(() => {
      ;({ fixture, admin, storeHeaders } = store())
    })

    const member = async (email: string, first_name = "Test", last_name = "Customer") => {
      const registered = await registerCustomer(api, storeHeaders, { email, first_name, last_name })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", registered.headers)).account.balance).toBe(50)
      )
      return registered
    }

    /** A second account of a member's mailbox (dots, a "+tag"): registered, and welcomed with nothing (the mailbox was). */
    const secondAccount = async (email: string, first_name: string, last_name: string) => {
      const created = subscribersDone(getContainer(), "customer.created")
      const registered = await registerCustomer(api, storeHeaders, { email, first_name, last_name })
      await created
      expect((await get(api, "/store/loyalty/account", registered.headers)).account.balance).toBe(0)
      return registered
    }

    const codeOf = async (customer: RegisteredCustomer) =>
      (await get(api, "/store/loyalty/referral", customer.headers)).code as string

    const claim = (customer: RegisteredCustomer, code: string, headers: Record<string, string> = {}) =>
      attempt(api.post("/store/loyalty/referral/claim", { code }, { headers: { ...customer.headers, ...headers } }))

    /** 2 × 100 EUR: 200 EUR of items, over the 50 EUR minimum. */
    const buyTwoShirts = (customer: RegisteredCustomer) =>
      placeOrder(api, storeHeaders, {
        customerHeaders: customer.headers,
        email: customer.customer.email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })

    /**
     * A referrer, and a friend who claimed their code and placed a first order
     * of two shirts, with the order's 200 points pending: where every payout
     * and take-back test starts.
     */
    const referredFirstOrder = async (referrerEmail: string, friendEmail: string) => {
      const referrer = await member(referrerEmail)
      const friend = await member(friendEmail)
      expect((await claim(friend, await codeOf(referrer))).status).toBe(200)
      const { order } = await buyTwoShirts(friend)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", friend.headers)).account.pending).toBe(200))
      return { referrer, friend, order }
    }

    /** Run both jobs past the return window, twice each. */
    const runJobsAfterWindow = async () => {
      const container = getContainer()
      for (let i = 0; i < 2; i++) {
        await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
        await evaluateReferralsWorkflow(container).run({ input: { now: daysFromNow(15) } })
      }
    }

    const referralEntries = async (customerId: string) =>
      ((await ledgerTotals(getContainer(), customerId))?.entries ?? []).filter((e) => e.reference_type === "referral")

    const adminReferrals = async (query: string) =>
      (await get(api, `/admin/loyalty/referrals?${query}`, admin.headers)).referrals

    it("pays both sides once after the friend's first order passes its return window, however often jobs run and events arrive", async () => {
      const container = getContainer()
      const rewarded: unknown[] = []
      const eventBus = container.resolve(Modules.EVENT_BUS)
      const listener = async (event: { data: unknown }) => {
        rewarded.push(event.data)
      }
      eventBus.subscribe(LoyaltyEvents.REFERRAL_REWARDED, listener, { subscriberId: "test-referral-rewarded" })

      // A shares.
      const alice = await member("alice@example.com", "Alice", "Smith")
      const shared = await get(api, "/store/loyalty/referral", alice.headers)
      expect(shared.code).toMatch(CODE)
      expect(shared.share_url).toBe(`https://shop.example.com/?ref=${shared.code}`)
      expect(shared.referral_program).toMatchObject({ enabled: true, referrer_points: 300, referee_points: 200 })
      expect(await codeOf(alice)).toBe(shared.code)

      // B registers and claims, typed sloppily.
      const bob = await member("bob@example.com", "Bob", "Jones")
      const claimed = await claim(bob, ` ${shared.code.toLowerCase().replace("-", " ")} `)
      expect(claimed.status).toBe(200)
      expect(claimed.data.referral).toMatchObject({ status: "claimed", friend: "Alice S.", points: 200 })

      // B orders: the referral qualifies and waits for the return window.
      const { order } = await buyTwoShirts(bob)
      await eventually(async () => {
        const { referrals } = await get(api, "/store/loyalty/referral", alice.headers)
        expect(referrals).toEqual([expect.objectContaining({ status: "qualified", friend: "Bob J.", points: 300 })])
      })
      await evaluateReferralsWorkflow(container).run({ input: { now: daysFromNow(13) } })
      expect(await referralEntries(bob.customer.id)).toEqual([])

      // The window passes: jobs twice, and the release event delivered three more times at once.
      const releaseHandled = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED)
      await runJobsAfterWindow()
      const released: PointsEventData = {
        id: "lent_redelivered",
        customer_id: bob.customer.id,
        account_id: "lacc_x",
        type: "release",
        points: 200,
        order_id: order.id,
        reason: "Return window ended",
      }
      const deliver = () =>
        evaluateReferralOnPoints({
          event: { name: LoyaltyEvents.POINTS_RELEASED, data: released },
          container,
          pluginOptions: {},
        })
      await Promise.all([deliver(), deliver(), deliver()])

      await eventually(async () => {
        expect((await get(api, "/store/loyalty/account", alice.headers)).account.balance).toBe(50 + 300)
        expect((await get(api, "/store/loyalty/account", bob.headers)).account.balance).toBe(50 + 200 + 200)
      })
      await runJobsAfterWindow()
      await deliver()

      const [aliceRewards, bobRewards] = [await referralEntries(alice.customer.id), await referralEntries(bob.customer.id)]
      expect(aliceRewards).toHaveLength(1)
      expect(bobRewards).toHaveLength(1)
      expect(aliceRewards[0]).toMatchObject({
        type: "earn",
        points: 300,
        reason: "Referral reward: a friend you invited completed their first order",
      })
      expect(bobRewards[0]).toMatchObject({ type: "earn", points: 200 })
      for (const id of [alice.customer.id, bob.customer.id]) {
        const totals = (await ledgerTotals(container, id))!
        expect(totals.cached).toEqual(totals.ledger)
      }
      expect((await get(api, "/store/loyalty/account", alice.headers)).account.balance).toBe(350)
      expect((await get(api, "/store/loyalty/account", bob.headers)).account.balance).toBe(450)

      await eventually(async () => expect(rewarded).toHaveLength(1))
      // The jobs' release event has been through every subscriber (the referral check among them):
      // nothing else can reward this referral.
      await releaseHandled
      eventBus.unsubscribe(LoyaltyEvents.REFERRAL_REWARDED, listener, { subscriberId: "test-referral-rewarded" })
      expect(rewarded).toEqual([
        expect.objectContaining({
          referrer_id: alice.customer.id,
          referee_id: bob.customer.id,
          order_id: order.id,
          referrer_points: 300,
          referee_points: 200,
          referrer_entry_id: aliceRewards[0].id,
          referee_entry_id: bobRewards[0].id,
        }),
      ])

      // Both ways, for the shoppers and on the admin's customer page.
      const alicesView = await get(api, "/store/loyalty/referral", alice.headers)
      expect(alicesView.referrals).toEqual([expect.objectContaining({ status: "rewarded", friend: "Bob J.", points: 300 })])
      expect(alicesView.rewards).toEqual({ earned_points: 300, pending_points: 0 })
      const bobsView = await get(api, "/store/loyalty/referral", bob.headers)
      expect(bobsView.referred_by).toMatchObject({ status: "rewarded", friend: "Alice S.", points: 200 })
      expect(bobsView.rewards).toEqual({ earned_points: 200, pending_points: 0 })

      const alicePage = await get(api, `/admin/loyalty/accounts/${alice.customer.id}/referrals`, admin.headers)
      expect(alicePage).toMatchObject({ code: shared.code, referred_by: null, count: 1 })
      expect(alicePage.referrals[0]).toMatchObject({
        status: "rewarded",
        order_id: order.id,
        referee: { id: bob.customer.id, email: "bob@example.com" },
      })
      const bobPage = await get(api, `/admin/loyalty/accounts/${bob.customer.id}/referrals`, admin.headers)
      expect(bobPage.referred_by).toMatchObject({ referrer: { email: "alice@example.com" }, status: "rewarded" })
    })

    it("looks up a referral only for the points events of members who claimed a code, and still qualifies a claimed friend's first order at once (issue 15)", async () => {
      const container = getContainer()
      const earned: PointsEventData[] = []
      const eventBus = container.resolve(Modules.EVENT_BUS)
      const listener = async (event: { data: unknown }) => {
        earned.push(event.data as PointsEventData)
      }
      eventBus.subscribe(LoyaltyEvents.POINTS_EARNED, listener, { subscriberId: "test-points-earned-referred" })

      const carol = await member("carol@example.com", "Carol", "White")
      const dave = await member("dave@example.com", "Dave", "Brown")
      const erin = await member("erin@example.com", "Erin", "Green")
      expect((await claim(dave, await codeOf(carol))).status).toBe(200)
      const { order: davesOrder } = await buyTwoShirts(dave)
      const { order: erinsOrder } = await buyTwoShirts(erin)

      // The order's event says whether its member was referred, from the account the award wrote to.
      await eventually(async () => {
        expect(earned.filter((e) => e.order_id === davesOrder.id)).toEqual([
          expect.objectContaining({ customer_id: dave.customer.id, referred: true }),
        ])
        expect(earned.filter((e) => e.order_id === erinsOrder.id)).toEqual([
          expect.objectContaining({ customer_id: erin.customer.id, referred: false }),
        ])
      })
      eventBus.unsubscribe(LoyaltyEvents.POINTS_EARNED, listener, { subscriberId: "test-points-earned-referred" })
      // No job ran: the subscriber qualified Dave's referral on his order's event.
      await eventually(async () => {
        const { referred_by } = await get(api, "/store/loyalty/referral", dave.headers)
        expect(referred_by).toMatchObject({ status: "qualified", friend: "Carol W." })
      })
    })

    it("flags a self-referral under a plus-tag email, explains it to the admin, and never pays it once rejected", async () => {
      const alice = await member("alice@example.com", "Alice", "Smith")
      const code = await codeOf(alice)
      const again = await secondAccount("a.lice+second@example.com", "Alice", "Smith")
      const claimed = await claim(again, code)
      expect(claimed.status).toBe(200)
      // The shopper sees that it waits, not which rule fired.
      expect(claimed.data.referral.status).toBe("in_review")

      const [flagged] = await adminReferrals("status=flagged")
      expect(flagged).toMatchObject({
        status: "flagged",
        referrer: { email: "alice@example.com" },
        referee: { email: "a.lice+second@example.com" },
      })
      expect(flagged.flags).toEqual([
        expect.objectContaining({
          rule: "same_email",
          message: 'Same email as the referrer once dots and "+" tags are ignored (alice@example.com)',
          cleared_at: null,
        }),
      ])

      await buyTwoShirts(again)
      await runJobsAfterWindow()
      expect(await referralEntries(again.customer.id)).toEqual([])
      expect((await adminReferrals(`customer_id=${alice.customer.id}`))[0].status).toBe("flagged")

      const missingNote = await attempt(
        api.post(`/admin/loyalty/referrals/${flagged.id}/reject`, {}, { headers: admin.headers })
      )
      expect(missingNote.status).toBe(400)
      expect(missingNote.data.message).toMatch(/note/)
      const rejected = await post(
        api,
        `/admin/loyalty/referrals/${flagged.id}/reject`,
        { note: "Same person, second account" },
        admin.headers
      )
      expect(rejected.referral).toMatchObject({
        status: "rejected",
        decision: "rejected",
        decided_by: admin.user.id,
        decision_note: "Same person, second account",
      })
      const approveRejected = await attempt(
        api.post(`/admin/loyalty/referrals/${flagged.id}/approve`, { note: "oops" }, { headers: admin.headers })
      )
      expect(approveRejected).toMatchObject({
        status: 400,
        data: { message: "Only a flagged referral can be approved; this one is rejected" },
      })
      await runJobsAfterWindow()
      expect(await referralEntries(alice.customer.id)).toEqual([])
      expect((await get(api, "/store/loyalty/account", alice.headers)).account.balance).toBe(50)
    })

    it("reads one referral by id as the list shows it, for the admin's Review drawer: 404 for an unknown id, 400 for a malformed one, 401 without an admin", async () => {
      const alice = await member("alice@example.com", "Alice", "Smith")
      const again = await secondAccount("a.lice+second@example.com", "Alice", "Smith")
      expect((await claim(again, await codeOf(alice))).status).toBe(200)
      const [listed] = await adminReferrals("status=flagged")

      const one = await get(api, `/admin/loyalty/referrals/${listed.id}`, admin.headers)
      expect(one).toEqual({ referral: listed })
      expect(one.referral).toMatchObject({
        status: "flagged",
        referrer: { id: alice.customer.id, email: "alice@example.com", first_name: "Alice", last_name: "Smith" },
        referee: { id: again.customer.id, email: "a.lice+second@example.com" },
        flags: [expect.objectContaining({ rule: "same_email", cleared_at: null })],
        decision: null,
      })

      // After a decision the same read carries it.
      await post(api, `/admin/loyalty/referrals/${listed.id}/reject`, { note: "Same person" }, admin.headers)
      expect((await get(api, `/admin/loyalty/referrals/${listed.id}`, admin.headers)).referral).toMatchObject({
        status: "rejected",
        decision: "rejected",
        decided_by: admin.user.id,
        decision_note: "Same person",
      })

      expect(await attempt(api.get("/admin/loyalty/referrals/lref_missing01", { headers: admin.headers }))).toMatchObject({
        status: 404,
        data: { type: "not_found", message: "Referral lref_missing01 was not found" },
      })
      expect(await attempt(api.get("/admin/loyalty/referrals/x%00y", { headers: admin.headers }))).toMatchObject({
        status: 400,
        data: { message: 'Invalid id in the path: an id is 1 to 100 letters, digits, "_" or "-"' },
      })
      expect((await attempt(api.get(`/admin/loyalty/referrals/${listed.id}`, { headers: again.headers }))).status).toBe(401)
      expect((await attempt(api.get(`/admin/loyalty/referrals/${listed.id}`, { headers: storeHeaders }))).status).toBe(401)
    })

    it("enforces the monthly cap set in the admin: the referral over it waits for an approval", async () => {
      const bad = await attempt(
        api.post("/admin/loyalty/referral-program", { monthly_cap: -1, favourite: 1 }, { headers: admin.headers })
      )
      expect(bad.status).toBe(400)
      const saved = await post(api, "/admin/loyalty/referral-program", { monthly_cap: 1 }, admin.headers)
      expect(saved.program).toMatchObject({ version: 1, monthly_cap: 1, referrer_points: 300, enabled: true })

      const alice = await member("alice@example.com", "Alice", "Smith")
      const code = await codeOf(alice)
      const bob = await member("bob@example.com", "Bob", "Jones")
      const carol = await member("carol@example.com", "Carol", "White")
      expect((await claim(bob, code)).data.referral.status).toBe("claimed")
      expect((await claim(carol, code)).data.referral.status).toBe("in_review")

      const [overCap] = await adminReferrals("status=flagged")
      expect(overCap.referee.email).toBe("carol@example.com")
      expect(overCap.flags).toEqual([
        expect.objectContaining({
          rule: "velocity",
          message: "The referrer's 2nd referral this month; the monthly cap is 1",
        }),
      ])
      expect(overCap.program_version).toBe(1)

      await buyTwoShirts(bob)
      await buyTwoShirts(carol)
      await runJobsAfterWindow()
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", alice.headers)).account.balance).toBe(50 + 300)
      )
      expect(await referralEntries(alice.customer.id)).toHaveLength(1)
      expect(await referralEntries(carol.customer.id)).toEqual([])
      expect((await get(api, "/store/loyalty/referral", alice.headers)).rewards).toEqual({
        earned_points: 300,
        pending_points: 300,
      })

      // Staff approve it: its order is already past the window, so it pays now.
      const approved = await post(
        api,
        `/admin/loyalty/referrals/${overCap.id}/approve`,
        { note: "Alice's book club, checked" },
        admin.headers
      )
      expect(approved.referral).toMatchObject({ status: "rewarded", decision: "approved" })
      expect(approved.referral.flags[0].cleared_at).not.toBeNull()
      await runJobsAfterWindow()
      expect(await referralEntries(alice.customer.id)).toHaveLength(2)
      expect((await get(api, "/store/loyalty/account", alice.headers)).account.balance).toBe(50 + 600)
    })

    it("never pays for a canceled first order, and says why", async () => {
      const alice = await member("alice@example.com", "Alice", "Smith")
      const bob = await member("bob@example.com", "Bob", "Jones")
      expect((await claim(bob, await codeOf(alice))).status).toBe(200)
      const { order } = await buyTwoShirts(bob)
      await cancelOrder(api, admin.headers, order.id)

      await eventually(async () => {
        const [referral] = await adminReferrals(`customer_id=${bob.customer.id}`)
        expect(referral.status).toBe("flagged")
        expect(referral.flags).toEqual([
          expect.objectContaining({
            rule: "order_canceled",
            order_id: order.id,
            message: `Order #${order.display_id}, the friend's first qualifying order, was canceled`,
          }),
        ])
      })
      await runJobsAfterWindow()
      expect(await referralEntries(alice.customer.id)).toEqual([])
      expect(await referralEntries(bob.customer.id)).toEqual([])
      expect((await get(api, "/store/loyalty/referral", bob.headers)).referred_by.status).toBe("in_review")
    })

    it("takes both rewards back when the rewarded order is canceled, and keeps them after a full refund once the merchant switched that off (issue 12, referral rewards)", async () => {
      const balance = async (customer: RegisteredCustomer) =>
        (await get(api, "/store/loyalty/account", customer.headers)).account
      const rewardedPair = async (referrerEmail: string, friendEmail: string) => {
        const referrer = await member(referrerEmail)
        const friend = await member(friendEmail)
        expect((await claim(friend, await codeOf(referrer))).status).toBe(200)
        const { order } = await buyTwoShirts(friend)
        await eventually(async () => expect((await balance(friend)).pending).toBe(200))
        await runJobsAfterWindow()
        await eventually(async () => expect((await balance(referrer)).balance).toBe(350))
        expect(await balance(friend)).toMatchObject({ balance: 450, pending: 0 }) // 50 + 200 released + 200 reward
        return { referrer, friend, order }
      }

      // Default: the order is canceled after the rewards were paid: both come back out, once.
      const first = await rewardedPair("ada@example.com", "ben@example.com")
      await cancelOrder(api, admin.headers, first.order.id)
      await eventually(async () => {
        expect(await balance(first.referrer)).toMatchObject({ balance: 50, debt: 0 })
        expect(await balance(first.friend)).toMatchObject({ balance: 50, debt: 0 }) // order points and reward reversed
      })
      const takeBacks = [
        ...(await referralEntries(first.referrer.customer.id)),
        ...(await referralEntries(first.friend.customer.id)),
      ].filter((e) => e.type === "reverse")
      expect(takeBacks.map((e) => [e.points, e.idempotency_key.replace(/lref_\w+/, "<id>")]).sort()).toEqual([
        [-200, "revoke:referral:<id>:referee"],
        [-300, "revoke:referral:<id>:referrer"],
      ])
      expect(takeBacks[0].reason).toBe(`Referral reward taken back: order #${first.order.display_id} was canceled`)

      // Switched off: a full refund leaves the rewards alone (the order's own points still go).
      await post(api, "/admin/loyalty/referral-program", { take_back_rewards: false }, admin.headers)
      expect((await get(api, "/admin/loyalty/referral-program", admin.headers)).program.take_back_rewards).toBe(false)
      const second = await rewardedPair("cleo@example.com", "dan@example.com")
      await capturePayment(api, admin.headers, second.order.id)
      const [payment] = await getOrderPayments(api, admin.headers, second.order.id)
      await refundPayment(api, admin.headers, payment.id, Number(second.order.total))
      await eventually(async () => expect(await balance(second.friend)).toMatchObject({ balance: 250 })) // 450 − 200
      expect(await balance(second.referrer)).toMatchObject({ balance: 350 })
      for (const customer of [first.referrer, first.friend, second.referrer, second.friend]) {
        const totals = (await ledgerTotals(getContainer(), customer.customer.id))!
        expect(totals.cached).toEqual(totals.ledger)
      }
    })

    /** Every entry of a customer's ledger (deleted accounts too), oldest first. */
    const allEntries = async (customerId: string) => {
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      return await knex("loyalty_entry as e").join("loyalty_account as a", "a.id", "e.account_id")
        .where("a.customer_id", customerId).orderBy([{ column: "e.created_at" }, { column: "e.id" }])
        .select("e.type", "e.points", "e.reason", "e.reference_type", "e.idempotency_key", "e.voided_at")
    }
    const keptReferralPoints = async (customerId: string) =>
      (await allEntries(customerId))
        .filter((e) => e.reference_type === "referral" || String(e.idempotency_key).startsWith("revert:"))
        .reduce((sum, e) => sum + e.points, 0)
    const referralOf = async (friend: RegisteredCustomer) => (await adminReferrals(`customer_id=${friend.customer.id}`))[0]

    /** What a crash right after `markRewarded` leaves: the referral rewarded an hour ago, its credits never posted. */
    const rewardedNotPosted = async (referrer: RegisteredCustomer, friend: RegisteredCustomer, orderId: string) => {
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const hourAgo = new Date(Date.now() - 3_600_000)
      const updated = await knex("loyalty_referral")
        .where({ referee_id: friend.customer.id, referrer_id: referrer.customer.id })
        .update({ status: "rewarded", order_id: orderId, qualified_at: hourAgo, rewarded_at: hourAgo })
      expect(updated).toBe(1)
    }

    it("never pays a referral whose order was canceled after it was marked rewarded and before its credits were posted: the repair pass and the referral's own workflow check the order, the admin sees why", async () => {
      const container = getContainer()
      const pair = async (tag: string) => {
        const referrer = await member(`unpaid-${tag}-referrer@example.com`)
        const friend = await member(`unpaid-${tag}-friend@example.com`)
        expect((await claim(friend, await codeOf(referrer))).status).toBe(200)
        const { order } = await buyTwoShirts(friend)
        await eventually(async () => expect((await get(api, "/store/loyalty/account", friend.headers)).account.pending).toBe(200))
        await rewardedNotPosted(referrer, friend, order.id)
        await cancelOrder(api, admin.headers, order.id)
        await eventually(async () => expect((await get(api, "/store/loyalty/account", friend.headers)).account.pending).toBe(0))
        return { referrer, friend, order }
      }
      // The page path (the hourly pass) and the referral's own workflow (a deferred referral, or a direct run).
      const paged = await pair("page")
      const single = await pair("single")
      await postReferralRewardsWorkflow(container).run({ input: { referral_id: (await referralOf(single.friend)).id } })
      for (let i = 0; i < 2; i++) await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })

      for (const { referrer, friend, order } of [paged, single]) {
        expect(await keptReferralPoints(referrer.customer.id)).toBe(0)
        expect(await keptReferralPoints(friend.customer.id)).toBe(0)
        expect((await get(api, "/store/loyalty/account", referrer.headers)).account).toMatchObject({ balance: 50, debt: 0 })
        expect((await get(api, "/store/loyalty/account", friend.headers)).account).toMatchObject({ balance: 50, debt: 0 })
        const referral = await referralOf(friend)
        expect(referral).toMatchObject({
          status: "forfeited",
          forfeit_reason: `Referral rewards not paid: order #${order.display_id} was canceled`,
          referrer_entry_id: null,
          referee_entry_id: null,
        })
      }
    })

    it("does not pay the rewards of a referral marked rewarded when its order is canceled and the take-back never runs (its event lost): the repair pass checks the order itself", async () => {
      const container = getContainer()
      const { referrer, friend, order } = await referredFirstOrder("unpaid-late-referrer@example.com", "unpaid-late-friend@example.com")
      await rewardedNotPosted(referrer, friend, order.id)
      // Cancel with the take-back workflow blocked (its event lost): the repair pass alone must not pay.
      const blocked = blockOtherRuns(takeBackReferralRewardsWorkflowId, "never-this-marker")
      try {
        await cancelOrder(api, admin.headers, order.id)
        await eventually(async () => expect((await get(api, "/store/loyalty/account", friend.headers)).account.pending).toBe(0))
      } finally {
        blocked.disarm()
      }
      for (let i = 0; i < 2; i++) await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
      expect(await keptReferralPoints(referrer.customer.id)).toBe(0)
      expect(await keptReferralPoints(friend.customer.id)).toBe(0)
      expect((await referralOf(friend)).status).toBe("forfeited")
    })

    it("a page of referral payments that fails after noting its credits keeps a take-back that came in between: both sides taken back once, the referral says so", async () => {
      const container = getContainer()
      const { referrer, friend, order } = await referredFirstOrder("page-undo-referrer@example.com", "page-undo-friend@example.com")
      await rewardedNotPosted(referrer, friend, order.id)
      const referralId = (await referralOf(friend)).id
      const account = async (customer: RegisteredCustomer) => (await get(api, "/store/loyalty/account", customer.headers)).account

      // The page credits both sides and notes them; its last step then fails. In between, the order is
      // canceled and the take-back takes both rewards back (they were posted).
      await runFailingAt(
        postReferralRewardsPageWorkflowId,
        emitReferralPageRewardedStepId,
        (transactionId) =>
          postReferralRewardsPageWorkflow(container).run({ input: { referral_ids: [referralId] }, context: { transactionId }, throwOnError: false }),
        {
          meanwhile: async () => {
            expect(await account(referrer)).toMatchObject({ balance: 350 })
            await cancelOrder(api, admin.headers, order.id)
            await eventually(async () => {
              expect(await account(referrer)).toMatchObject({ balance: 50, debt: 0 })
              expect(await account(friend)).toMatchObject({ balance: 50, pending: 0, debt: 0 })
            })
          },
        }
      )
      const check = async () => {
        expect(await account(referrer)).toMatchObject({ balance: 50, debt: 0 })
        expect(await account(friend)).toMatchObject({ balance: 50, debt: 0 })
        expect(await keptReferralPoints(referrer.customer.id)).toBe(0)
        expect(await keptReferralPoints(friend.customer.id)).toBe(0)
        expect(await referralOf(friend)).toMatchObject({
          status: "forfeited",
          forfeit_reason: `Referral reward taken back: order #${order.display_id} was canceled`,
          referrer_entry_id: expect.stringMatching(/^lent_/),
          referee_entry_id: expect.stringMatching(/^lent_/),
        })
      }
      await check()
      for (let i = 0; i < 2; i++) await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
      await check()
      for (const customer of [referrer, friend]) {
        const totals = (await ledgerTotals(container, customer.customer.id))!
        expect(totals.cached).toEqual(totals.ledger)
      }
    })

    it("takes back the rewards of a paid referral whose order was canceled while the take-back's event was lost: the daily take-back pass does it, once, and the late event takes nothing more", async () => {
      const container = getContainer()
      const { referrer, friend, order } = await referredFirstOrder("lost-take-back-referrer@example.com", "lost-take-back-friend@example.com")
      await runJobsAfterWindow()
      const account = async (customer: RegisteredCustomer) => (await get(api, "/store/loyalty/account", customer.headers)).account
      await eventually(async () => expect(await account(referrer)).toMatchObject({ balance: 350 }))
      expect(await account(friend)).toMatchObject({ balance: 450, pending: 0 }) // 50 + 200 released + 200 reward
      expect((await referralOf(friend)).status).toBe("rewarded")

      // Canceled with the take-back failing at its first step, as if its event had been lost.
      const blocked = blockOtherRuns(takeBackReferralRewardsWorkflowId, "never-this-marker")
      try {
        const canceled = subscribersDone(container, "order.canceled")
        await cancelOrder(api, admin.headers, order.id)
        await canceled
        await eventually(async () => expect(await account(friend)).toMatchObject({ balance: 250 })) // the order's own points
      } finally {
        blocked.disarm()
      }
      expect(await account(referrer)).toMatchObject({ balance: 350 })
      expect((await referralOf(friend)).status).toBe("rewarded")

      const takenBack = async () => {
        expect(await account(referrer)).toMatchObject({ balance: 50, debt: 0 })
        expect(await account(friend)).toMatchObject({ balance: 50, debt: 0 })
        expect(await keptReferralPoints(referrer.customer.id)).toBe(0)
        expect(await keptReferralPoints(friend.customer.id)).toBe(0)
        const reversed = [...(await referralEntries(referrer.customer.id)), ...(await referralEntries(friend.customer.id))]
          .filter((e) => e.type === "reverse")
          .map((e) => [e.points, e.idempotency_key.replace(/lref_\w+/, "<id>")])
          .sort()
        expect(reversed).toEqual([
          [-200, "revoke:referral:<id>:referee"],
          [-300, "revoke:referral:<id>:referrer"],
        ])
        expect(await referralOf(friend)).toMatchObject({
          status: "forfeited",
          forfeit_reason: `Referral reward taken back: order #${order.display_id} was canceled`,
        })
      }
      const pass = await takeBackLostReferralRewardsWorkflow(container).run({ input: { now: new Date() } })
      await takenBack()
      expect(pass.result).toMatchObject({ taken_back: 1 })
      const again = await takeBackLostReferralRewardsWorkflow(container).run({ input: { now: new Date() } })
      await takenBack()
      expect(again.result).toMatchObject({ taken_back: 0 })

      // The lost event, delivered late: nothing more is taken.
      const late = subscribersDone(container, "order.canceled")
      await container.resolve(Modules.EVENT_BUS).emit({ name: "order.canceled", data: { id: order.id } })
      await late
      await takenBack()
      for (const customer of [referrer, friend]) {
        const totals = (await ledgerTotals(container, customer.customer.id))!
        expect(totals.cached).toEqual(totals.ledger)
      }
    })

    it("pays both sides when the friend's qualifying order was partly refunded before the payout, and keeps them after a later partial refund", async () => {
      const referrer = await member("partial-referrer@example.com")
      const friend = await member("partial-friend@example.com")
      expect((await claim(friend, await codeOf(referrer))).status).toBe(200)
      const { order } = await buyTwoShirts(friend)
      await eventually(async () => expect((await referralOf(friend)).status).toBe("qualified"))
      await capturePayment(api, admin.headers, order.id)
      const [payment] = await getOrderPayments(api, admin.headers, order.id)
      // One of the two shirts refunded inside the return window: 100 EUR of 200 EUR items kept, over the 50 EUR minimum.
      const refunded = subscribersDone(getContainer(), "payment.refunded")
      await refundPayment(api, admin.headers, payment.id, 100)
      await refunded
      await eventually(async () => expect((await get(api, "/store/loyalty/account", friend.headers)).account.pending).toBeLessThan(200))

      await runJobsAfterWindow()
      await eventually(async () => expect((await referralOf(friend)).status).toBe("rewarded"))
      expect((await referralEntries(referrer.customer.id)).map((e) => e.points)).toEqual([300])
      expect((await referralEntries(friend.customer.id)).map((e) => e.points)).toEqual([200])
      expect((await get(api, "/store/loyalty/account", referrer.headers)).account).toMatchObject({ balance: 350 })

      // A second partial refund after the payout keeps them too.
      const again = subscribersDone(getContainer(), "payment.refunded")
      await refundPayment(api, admin.headers, payment.id, 50)
      await again
      expect((await referralEntries(referrer.customer.id)).map((e) => e.points)).toEqual([300])
      expect((await referralEntries(friend.customer.id)).map((e) => e.points)).toEqual([200])
      expect(await referralOf(friend)).toMatchObject({ status: "rewarded", forfeit_reason: null })
    })

    it("refuses a code to a customer who ordered, deleted their account and registered again with the same email (a new customer id)", async () => {
      const container = getContainer()
      const referrer = await member("again-referrer@example.com")
      const first = await member("again-friend@example.com")
      await buyTwoShirts(first)
      const deleted = subscribersDone(container, "customer.deleted")
      await api.delete(`/admin/customers/${first.customer.id}`, { headers: admin.headers })
      await deleted

      const again = await registerCustomer(api, storeHeaders, { email: "Again-Friend+2@example.com", first_name: "Test", last_name: "Customer" })
      expect(again.customer.id).not.toBe(first.customer.id)
      const claimed = await claim(again, await codeOf(referrer))
      expect(claimed.status).toBe(400)
      expect(claimed.data.message).toBe("Referral codes can only be used before your first order.")
      expect((await get(api, "/store/loyalty/referral", referrer.headers)).referrals).toEqual([])
    })

    it("a failed reward payment puts back only what it changed: a cancel that forfeited the referral meanwhile stays forfeited (settling, then a credit fails)", async () => {
      const container = getContainer()
      const { referrer, friend, order } = await referredFirstOrder("restore-settle-referrer@example.com", "restore-settle-friend@example.com")
      // The referrer's account is closed, so settling changes the row (the referrer's side forfeited): it has something to put back.
      const closed = subscribersDone(container, "customer.deleted")
      await api.delete(`/admin/customers/${referrer.customer.id}`, { headers: admin.headers })
      await closed
      await rewardedNotPosted(referrer, friend, order.id)
      const referralId = (await referralOf(friend)).id

      // The friend's credit fails after the referral was settled; meanwhile the order is canceled and its take-back forfeits the referral.
      await runFailingAt(
        postReferralRewardsWorkflowId,
        "loyalty-credit-referee-reward-step",
        (transactionId) =>
          postReferralRewardsWorkflow(container).run({ input: { referral_id: referralId }, context: { transactionId }, throwOnError: false }),
        {
          meanwhile: async () => {
            await cancelOrder(api, admin.headers, order.id)
            await eventually(async () => expect((await referralOf(friend)).status).toBe("forfeited"))
          },
        }
      )
      expect(await referralOf(friend)).toMatchObject({
        status: "forfeited",
        forfeit_reason: `Referral rewards not paid: order #${order.display_id} was canceled`,
        referee_entry_id: null,
        referrer_entry_id: null,
      })
      for (let i = 0; i < 2; i++) await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
      expect(await keptReferralPoints(friend.customer.id)).toBe(0)
      expect((await referralOf(friend)).status).toBe("forfeited")
    })

    it("a failed reward puts back only what it changed: a cancel that forfeited the referral after it was marked rewarded keeps it forfeited (marking rewarded, then the payment fails)", async () => {
      const container = getContainer()
      const referrer = await member("restore-mark-referrer@example.com")
      const friend = await member("restore-mark-friend@example.com")
      expect((await claim(friend, await codeOf(referrer))).status).toBe(200)
      const { order } = await buyTwoShirts(friend)
      await eventually(async () => expect((await referralOf(friend)).status).toBe("qualified"))
      // The order's points released past its window, with the evaluations the release event starts blocked: the test's run rewards it.
      const blocked = blockOtherRuns(evaluateReferralWorkflowId, "test-fault-")
      try {
        const released = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED)
        await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
        await released

        // Marked rewarded; the friend's credit then fails, and meanwhile the order is canceled and the take-back forfeits it.
        // The payment runs nested, under the evaluation's transaction id, with its own step handlers.
        await runFailingAt(
          postReferralRewardsWorkflowId,
          "loyalty-credit-referee-reward-step",
          (transactionId) =>
            evaluateReferralWorkflow(container).run({
              input: { referee_id: friend.customer.id, now: daysFromNow(15) },
              context: { transactionId },
              throwOnError: false,
            }),
          {
            meanwhile: async () => {
              await cancelOrder(api, admin.headers, order.id)
              await eventually(async () => expect((await referralOf(friend)).status).toBe("forfeited"))
            },
          }
        )
      } finally {
        blocked.disarm()
      }
      expect(await referralOf(friend)).toMatchObject({
        status: "forfeited",
        forfeit_reason: `Referral rewards not paid: order #${order.display_id} was canceled`,
        referee_entry_id: null,
        referrer_entry_id: null,
      })
      await runJobsAfterWindow()
      expect(await keptReferralPoints(referrer.customer.id)).toBe(0)
      expect(await keptReferralPoints(friend.customer.id)).toBe(0)
      expect((await referralOf(friend)).status).toBe("forfeited")
    })

    it("pays the friend alone when the referrer's customer was deleted, once, with no credit-and-rollback pairs however often the pass runs; the admin sees the referrer's side forfeited", async () => {
      const container = getContainer()
      const { referrer, friend } = await referredFirstOrder("gone-referrer@example.com", "gone-referrer-friend@example.com")
      const closed = subscribersDone(container, "customer.deleted")
      await api.delete(`/admin/customers/${referrer.customer.id}`, { headers: admin.headers })
      await closed

      await runJobsAfterWindow()
      await evaluateReferralsWorkflow(container).run({ input: { now: daysFromNow(16) } })
      const entries = await allEntries(friend.customer.id)
      expect(entries.filter((e) => e.reason === "Credit rolled back")).toEqual([])
      expect(entries.filter((e) => e.reference_type === "referral").map((e) => [e.type, e.points, e.voided_at])).toEqual([["earn", 200, null]])
      expect((await get(api, "/store/loyalty/account", friend.headers)).account).toMatchObject({ balance: 450, pending: 0 })
      expect((await allEntries(referrer.customer.id)).filter((e) => e.reference_type === "referral")).toEqual([])
      const referral = await referralOf(friend)
      expect(referral).toMatchObject({
        status: "rewarded",
        referrer_entry_id: null,
        referee_entry_id: expect.any(String),
        forfeit_reason: "The referrer's reward was not paid: their customer account was deleted",
      })
      const totals = (await ledgerTotals(container, friend.customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("pays the referrer alone when the friend's customer was deleted after their first order, once its return window is over", async () => {
      const container = getContainer()
      const { referrer, friend } = await referredFirstOrder("gone-friend-referrer@example.com", "gone-friend@example.com")
      const closed = subscribersDone(container, "customer.deleted")
      await api.delete(`/admin/customers/${friend.customer.id}`, { headers: admin.headers })
      await closed

      await runJobsAfterWindow()
      await evaluateReferralsWorkflow(container).run({ input: { now: daysFromNow(16) } })
      expect((await allEntries(referrer.customer.id)).filter((e) => e.reference_type === "referral").map((e) => [e.type, e.points])).toEqual([["earn", 300]])
      expect((await get(api, "/store/loyalty/account", referrer.headers)).account).toMatchObject({ balance: 350 })
      expect((await allEntries(friend.customer.id)).filter((e) => e.reference_type === "referral" || e.reason === "Credit rolled back")).toEqual([])
      const [referral] = await adminReferrals(`customer_id=${referrer.customer.id}`)
      expect(referral).toMatchObject({
        status: "rewarded",
        referrer_entry_id: expect.any(String),
        referee_entry_id: null,
        forfeit_reason: "The friend's reward was not paid: their customer account was deleted",
      })
    })

    it("gives unknown, own and no-longer-valid codes one answer, and claimant reasons that ignore the code", async () => {
      const alice = await member("alice@example.com", "Alice", "Smith")
      const aliceCode = await codeOf(alice)
      const dave = await member("dave@example.com", "Dave", "Brown")
      const daveCode = await codeOf(dave)
      await attempt(api.delete(`/admin/customers/${dave.customer.id}`, { headers: admin.headers }))

      const bob = await member("bob@example.com", "Bob", "Jones")
      const bobsOwn = await codeOf(bob)
      const answers = [
        await claim(bob, "ZZZZZ-ZZZZZ"), // unknown
        await claim(bob, bobsOwn), // own
        await claim(bob, daveCode), // its owner was deleted
        await claim(bob, "hello"), // cannot be a code
      ]
      for (const answer of answers) {
        expect({ status: answer.status, data: answer.data }).toEqual({ status: 400, data: CODE_NOT_ACCEPTED })
      }
      expect((await claim(bob, aliceCode)).data.referral.status).toBe("claimed")

      // Eve ordered as a guest under a variant of her email, then registered: she has ordered.
      await placeOrder(api, storeHeaders, {
        email: "e.ve+shop@example.com",
        items: [{ variant_id: fixture.cheapVariantId, quantity: 1 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })
      const eve = await member("eve@example.com", "Eve", "Black")
      const afterOrder = { status: 400, data: { type: "not_allowed", message: "Referral codes can only be used before your first order." } }
      for (const code of [aliceCode, "ZZZZZ-ZZZZZ", await codeOf(eve)]) {
        const answer = await claim(eve, code)
        expect({ status: answer.status, data: answer.data }).toEqual(afterOrder)
      }

      expect((await attempt(api.post("/store/loyalty/referral/claim", { code: aliceCode }, { headers: storeHeaders }))).status).toBe(401)
      const noCode = await attempt(api.post("/store/loyalty/referral/claim", {}, { headers: alice.headers }))
      expect(noCode.status).toBe(400)
      expect(noCode.data.message).toMatch(/code/)
      expect(await adminReferrals("")).toHaveLength(1)
    })

    it("rate-limits claim attempts per customer and per address, counted in the database", async () => {
      const alice = await member("alice@example.com", "Alice", "Smith")
      const code = await codeOf(alice)

      // Per customer: 5 attempts an hour; the 6th is refused even with a valid code.
      const frank = await member("frank@example.com")
      for (let i = 0; i < 5; i++) {
        expect((await claim(frank, `WRONG-CODE${i}`)).status).toBe(400)
      }
      const limited = await claim(frank, code)
      expect(limited.status).toBe(429)
      expect(limited.data).toEqual({
        type: "too_many_requests",
        message: "Too many attempts to use a referral code. Try again in 60 minutes.",
      })
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(3500)
      expect((await get(api, "/store/loyalty/referral", frank.headers)).referred_by).toBeNull()

      // Per address: 12 attempts an hour from one address, whichever customers make them.
      const office = { "x-forwarded-for": "203.0.113.9" }
      const [g1, g2, g3, g4] = [
        await member("g1@example.com"),
        await member("g2@example.com"),
        await member("g3@example.com"),
        await member("g4@example.com"),
      ]
      for (const [customer, tries] of [[g1, 5], [g2, 5], [g3, 2]] as const) {
        for (let i = 0; i < tries; i++) {
          expect((await claim(customer, "ZZZZZ-ZZZZZ", office)).status).toBe(400)
        }
      }
      expect((await claim(g3, code, office)).status).toBe(429) // g3's own 3rd attempt
      expect((await claim(g4, code, office)).status).toBe(429) // a newcomer on the same address
      const elsewhere = await claim(g4, code, { "x-forwarded-for": "198.51.100.20" })
      expect(elsewhere.status).toBe(200)

      // Simultaneous attempts are counted exactly: 5 of 10 get through to the claim.
      const racer = await member("racer@example.com")
      const race = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claim(racer, "ZZZZZ-ZZZZZ", { "x-forwarded-for": `192.0.2.${i + 1}` }))
      )
      expect(race.filter((r) => r.status === 400)).toHaveLength(5)
      expect(race.filter((r) => r.status === 429)).toHaveLength(5)
    })

    /**
     * Rewarded referrals whose credits were never posted (a crash between the
     * reward and its credits leaves them so), made the same way under a tag so
     * one set can be repaired one by one and the other as a page: a referrer
     * with three friends, a friend 30 points in debt, a referral that pays its
     * referrer only, one whose friend's credit was written before the crash,
     * and one whose referrer was deleted (their points account closed: no path
     * can pay it). Rewarded an hour before `now`, in this order.
     */
    const REPAIR_CASES = [
      ["first", "sara", "friend1", 300, 200],
      ["second", "sara", "friend2", 300, 200],
      ["third", "sara", "friend3", 300, 200],
      ["debt", "dan", "debtor", 300, 200],
      ["referrerOnly", "zed", "zero", 300, 0],
      ["halfPosted", "hank", "half", 300, 200],
      ["closed", "gone", "gina", 300, 200],
    ] as const
    const REPAIR_PEOPLE = [...new Set(REPAIR_CASES.flatMap(([, referrer, referee]) => [referrer, referee]))]

    const unpostedReferrals = async (tag: string, now: Date) => {
      const container = getContainer()
      const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const points = pointsService(container)
      const created = await container
        .resolve(Modules.CUSTOMER)
        .createCustomers(REPAIR_PEOPLE.map((name) => ({ email: `repair-${tag}-${name}@example.com`, first_name: name })))
      const people = Object.fromEntries(REPAIR_PEOPLE.map((name, i) => [name, created[i].id]))
      const grant = await points.creditPoints({ customer_id: people.debtor, points: 30, type: "adjust", idempotency_key: `test-${tag}-grant`, reason: "test", expires_at: null })
      await points.debitPoints({ customer_id: people.debtor, points: 30, type: "redeem", idempotency_key: `test-${tag}-spend`, reason: "test" })
      await points.revertEntry(grant.entry.id, "rolled back")
      await points.creditPoints({ customer_id: people.gone, points: 10, type: "adjust", idempotency_key: `test-${tag}-gone`, reason: "test", expires_at: null })
      await points.closeAccount(people.gone)
      const referrals: Record<string, string> = {}
      for (const [i, [name, referrer, referee, referrerPoints, refereePoints]] of REPAIR_CASES.entries()) {
        const row = {
          id: `lref_${tag}_${name}`,
          code: `REPAIR-${tag}-${name}`,
          referrer_id: people[referrer],
          referee_id: people[referee],
          status: "rewarded",
          order_id: `order_${tag}_${name}`,
          program_version: 1,
          referrer_points: referrerPoints,
          referee_points: refereePoints,
          rewards_posted_at: null,
        }
        await knex("loyalty_referral").insert({
          ...row,
          flags: JSON.stringify([]),
          min_order_amounts: JSON.stringify({}),
          claimed_at: new Date(now.getTime() - 30 * 86_400_000),
          qualified_at: new Date(now.getTime() - 20 * 86_400_000),
          rewarded_at: new Date(now.getTime() - 3_600_000 + i * 1000),
        })
        referrals[name] = row.id
        if (name === "halfPosted") {
          await points.creditPoints(referralRewardPosting(row, "referee", await points.getProgramRules(), new Date())!)
        }
      }
      return { people, referrals }
    }

    /** The points events and referral announcements the app emits while a test listens. */
    const listenToRewards = () => {
      const eventBus = getContainer().resolve(Modules.EVENT_BUS)
      const heard = { earned: [] as PointsEventData[], rewarded: [] as Record<string, unknown>[] }
      const earned = async (event: { data: unknown }) => {
        heard.earned.push(event.data as PointsEventData)
      }
      const rewarded = async (event: { data: unknown }) => {
        heard.rewarded.push(event.data as Record<string, unknown>)
      }
      eventBus.subscribe(LoyaltyEvents.POINTS_EARNED, earned, { subscriberId: "test-repair-earned" })
      eventBus.subscribe(LoyaltyEvents.REFERRAL_REWARDED, rewarded, { subscriberId: "test-repair-rewarded" })
      return {
        heard,
        stop: () => {
          eventBus.unsubscribe(LoyaltyEvents.POINTS_EARNED, earned, { subscriberId: "test-repair-earned" })
          eventBus.unsubscribe(LoyaltyEvents.REFERRAL_REWARDED, rewarded, { subscriberId: "test-repair-rewarded" })
        },
      }
    }

    /**
     * Everything a repair leaves of one set, with its ids (customers, entries,
     * referrals, orders) replaced by names and places so two sets compare:
     * accounts, every entry (voided ones marked), lots (expiry to the day: the
     * credits count it from when they are written), referral rows and the
     * events heard about them. `effective`: what a compensation gives back
     * (figures, entries not undone, lots that hold points), for a page that failed.
     */
    const repairOutcome = async (
      tag: string,
      set: { people: Record<string, string>; referrals: Record<string, string> },
      heard: { earned: PointsEventData[]; rewarded: Record<string, unknown>[] },
      { effective = false } = {}
    ) => {
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const labels = new Map<string, string>()
      const out: Record<string, unknown> = {}
      for (const [name, customerId] of Object.entries(set.people)) {
        labels.set(customerId, `<${name}>`)
        // An account a compensated credit opened stays, empty (as after a compensated `creditPoints`): the
        // effective view counts it as none.
        const accounts = (await knex("loyalty_account").where({ customer_id: customerId })
          .select("id", "balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed", "deleted_at"))
          .filter((a) => !effective || a.deleted_at !== null || a.balance !== 0 || a.pending !== 0 || a.debt !== 0)
        const accountIds = accounts.map((account) => account.id)
        const entries = (await knex("loyalty_entry").whereIn("account_id", accountIds).orderBy([{ column: "created_at" }, { column: "id" }]))
          .filter((e) => !effective || (e.voided_at === null && e.reference_type !== "entry"))
        entries.forEach((entry, i) => labels.set(entry.id, `<${name}:entry${i}>`))
        const lots = (await knex("loyalty_lot as l").join("loyalty_entry as e", "e.id", "l.entry_id").whereIn("l.account_id", accountIds)
          .orderBy([{ column: "e.created_at" }, { column: "l.id" }]).select("l.id", "l.entry_id", "l.points", "l.remaining", "l.expires_at"))
          .filter((lot) => !effective || lot.remaining > 0)
        lots.forEach((lot, i) => labels.set(lot.id, `<${name}:lot${i}>`))
        out[name] = {
          // Lifetime counters included: an undone credit takes back all it counted, debt paid off included.
          accounts: accounts.map(({ id: _id, deleted_at, ...figures }) => ({
            ...figures,
            closed: deleted_at !== null,
          })),
          entries: entries.map((e) => ({
            type: e.type, points: e.points, balance_change: e.balance_change, pending_change: e.pending_change, debt_change: e.debt_change,
            reason: e.reason, actor_type: e.actor_type, reference_type: e.reference_type, reference_id: e.reference_id, order_id: e.order_id,
            idempotency_key: e.idempotency_key, program_version: e.program_version, details: e.details, voided: e.voided_at !== null,
          })),
          lots: lots.map((lot) => ({ entry: lot.entry_id, points: lot.points, remaining: lot.remaining, expires_on: lot.expires_at ? new Date(lot.expires_at).toISOString().slice(0, 10) : null })),
        }
      }
      const referralIds = Object.values(set.referrals)
      const rows = await knex("loyalty_referral").whereIn("id", referralIds).orderBy("rewarded_at")
        .select("id", "status", "rewards_posted_at", "referrer_entry_id", "referee_entry_id")
      out.referrals = rows.map(({ rewards_posted_at, ...row }) => ({ ...row, posted: rewards_posted_at !== null }))
      const customers = new Set(Object.values(set.people))
      out.earned = heard.earned.filter((event) => customers.has(event.customer_id)).map(({ account_id: _a, ...event }) => event)
      out.rewarded = heard.rewarded.filter((event) => referralIds.includes(String(event.id)))
      let text = JSON.stringify(out)
      for (const [id, label] of labels) text = text.split(id).join(label)
      return JSON.parse(text.split(`_${tag}_`).join("_").split(`-${tag}-`).join("-"))
    }

    it("repairs unposted referral rewards a page at a time with exactly what repairing them one by one gives: entries, lots, balances, referral rows, events (issue 15)", async () => {
      const container = getContainer()
      const listening = listenToRewards()
      try {
        const now = new Date()
        // The page set first, through the hourly pass (nothing else is due): one page. The referral whose
        // referrer's account is closed pays the friend alone, in the page as through its own workflow.
        const paged = await unpostedReferrals("page", now)
        const pass = await evaluateReferralsWorkflow(container).run({ input: { now } })
        expect(pass.result.repaired).toBe(7)

        const one = await unpostedReferrals("one", now)
        for (const referralId of Object.values(one.referrals)) {
          await postReferralRewardsWorkflow(container).run({ input: { referral_id: referralId }, throwOnError: false })
        }
        await eventually(async () => expect(listening.heard.rewarded).toHaveLength(14))

        const expected = await repairOutcome("one", one, listening.heard)
        expect(await repairOutcome("page", paged, listening.heard)).toEqual(expected)
        // And what that is: a spot check that the two sets did not agree on nothing.
        expect(expected.sara).toMatchObject({ accounts: [{ balance: 900, lifetime_earned: 900 }] })
        expect(expected.sara.entries).toHaveLength(3)
        expect(expected.debtor).toMatchObject({ accounts: [{ balance: 170, debt: 0 }] })
        expect(expected.debtor.entries.at(-1)).toMatchObject({ points: 200, balance_change: 170, debt_change: -30, idempotency_key: "referral:lref_debt:referee" })
        expect(expected.zero.entries).toEqual([])
        expect(expected.half.entries).toHaveLength(1)
        // The friend of a deleted referrer: paid once, no credit rolled back (it used to be +200/−200 every run).
        expect(expected.gina.entries.map((e: { voided: boolean; points: number }) => [e.points, e.voided])).toEqual([[200, false]])
        expect(expected.referrals.map((r: { posted: boolean }) => r.posted)).toEqual([true, true, true, true, true, true, true])
        expect(expected.referrals.at(-1)).toMatchObject({ status: "rewarded", referrer_entry_id: null })
        expect(expected.earned).toHaveLength(2 * 3 + 2 + 1 + 1 + 1)
        expect(expected.rewarded).toHaveLength(7)

        // Nothing is due any more: a second page pays nothing.
        const again = await postReferralRewardsPageWorkflow(container).run({ input: { referral_ids: Object.values(paged.referrals) } })
        expect(again.result).toEqual({ posted: 0, forfeited: 0 })
      } finally {
        listening.stop()
      }
    })

    it("a page of referral rewards failing half-way leaves nothing of itself: balances, lots, referral rows and events as before; the next run pays it (issue 15)", async () => {
      const container = getContainer()
      const listening = listenToRewards()
      try {
        const now = new Date()
        const set = await unpostedReferrals("fail", now)
        const before = await repairOutcome("fail", set, listening.heard, { effective: true })
        const page = Object.values(set.referrals)
        for (const step of [recordReferralRewardPageStepId, emitReferralPageRewardedStepId]) {
          await runFailingAt(postReferralRewardsPageWorkflowId, step, (transactionId) =>
            postReferralRewardsPageWorkflow(container).run({ input: { referral_ids: page }, context: { transactionId }, throwOnError: false })
          )
          expect(await repairOutcome("fail", set, listening.heard, { effective: true })).toEqual(before)
        }
        expect(listening.heard.earned.filter((e) => Object.values(set.people).includes(e.customer_id))).toEqual([])

        const pass = await evaluateReferralsWorkflow(container).run({ input: { now } })
        expect(pass.result.repaired).toBe(7)
        const after = await repairOutcome("fail", set, listening.heard, { effective: true })
        expect(after.referrals.map((r: { posted: boolean }) => r.posted)).toEqual([true, true, true, true, true, true, true])
        expect(after.sara).toMatchObject({ accounts: [{ balance: 900 }] })
        expect(after.debtor).toMatchObject({ accounts: [{ balance: 170, debt: 0 }] })
      } finally {
        listening.stop()
      }
    })
  },
})
