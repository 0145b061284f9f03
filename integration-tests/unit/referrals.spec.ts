import {
  addressKey,
  assessReferral,
  claimLimitHit,
  claimRefusal,
  decisionChange,
  decisionFrom,
  decisionRefusal,
  referralPayout,
  referralRewardsForfeited,
  referralsToTakeBack,
  clientAddressKey,
  CODE_NOT_ACCEPTED,
  generateReferralCode,
  identityFlags,
  monthStart,
  normalizeEmail,
  normalizePhone,
  normalizeReferralCode,
  REFERRAL_CODE_ALPHABET,
  RefereeOrder,
  ReferralFlag,
  ReferralForAssessment,
  ReferralIdentity,
  referralSettingsFromOptions,
  shareLink,
  stampFlags,
  summarizeByStatus,
  validateReferralSettings,
  velocityFlag,
  QualifyingOrderState,
} from "../../src/lib/referrals/rules"

describe("referral codes", () => {
  it("draws every symbol separately from the random source", () => {
    const draws: number[] = []
    const code = generateReferralCode((max) => {
      draws.push(max)
      return draws.length - 1
    })
    expect(draws).toEqual(Array(10).fill(REFERRAL_CODE_ALPHABET.length))
    expect(code).toBe("23456-789AB")
  })

  it("uses only unambiguous symbols and does not repeat itself across 2000 draws", () => {
    const codes = Array.from({ length: 2000 }, () => generateReferralCode())
    for (const code of codes) {
      expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$/)
    }
    expect(new Set(codes).size).toBe(codes.length)
    // No code is a run of one repeated chunk, as a generator that reuses its random bytes would give.
    expect(codes.filter((c) => c.slice(0, 5) === c.slice(6))).toHaveLength(0)
  })

  it("reads a typed code in any case, with spaces or without the dash, and rejects impossible ones", () => {
    expect(normalizeReferralCode(" 7kq4m xc9tr ")).toBe("7KQ4M-XC9TR")
    expect(normalizeReferralCode("7KQ4MXC9TR")).toBe("7KQ4M-XC9TR")
    expect(normalizeReferralCode("7KQ4M-XC9T")).toBeNull()
    expect(normalizeReferralCode("OOOOO-IIIII")).toBeNull()
    expect(normalizeReferralCode("'; drop table--")).toBeNull()
  })
})

describe("identity normalization", () => {
  it("reads dots and plus-tags as the same mailbox", () => {
    expect(normalizeEmail("A.Lice+shop@Example.com")).toBe("alice@example.com")
    expect(normalizeEmail("alice@example.com")).toBe("alice@example.com")
    expect(normalizeEmail("a.l.i.c.e@googlemail.com")).toBe("alice@gmail.com")
    expect(normalizeEmail("not-an-email")).toBeNull()
    expect(normalizeEmail("+tag@example.com")).toBeNull()
  })

  it("compares phone numbers by their last 9 digits", () => {
    expect(normalizePhone("+49 170 1234567")).toBe(normalizePhone("0170-123 45 67"))
    expect(normalizePhone("0049 (170) 1234567")).toBe("701234567")
    expect(normalizePhone("12345")).toBeNull()
  })

  it("compares addresses without case, accents, punctuation or street spellings", () => {
    const a = addressKey({ address_1: "Hauptstraße 5", postal_code: "10117", country_code: "de" })
    const b = addressKey({ address_1: "hauptstr. 5", postal_code: "10 117", country_code: "DE" })
    expect(a).toBe(b)
    expect(addressKey({ address_1: "Hauptstraße 6", postal_code: "10117", country_code: "de" })).not.toBe(a)
    expect(addressKey({ address_1: "Hauptstraße 5" })).toBeNull()
  })

  it("counts IPv6 clients by their /64 and unwraps IPv4-mapped addresses", () => {
    expect(clientAddressKey("::ffff:203.0.113.5")).toBe("203.0.113.5")
    expect(clientAddressKey("203.0.113.5")).toBe("203.0.113.5")
    expect(clientAddressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64")
    expect(clientAddressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64")
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8:0:0::/64")
    expect(clientAddressKey(undefined)).toBe("unknown")
  })
})

describe("fraud rules", () => {
  const referrer: ReferralIdentity = {
    email: "alice@example.com",
    phones: ["+49 170 1234567"],
    addresses: [{ address_1: "Unter den Linden 1", postal_code: "10117", city: "Berlin", country_code: "de" }],
  }

  it("explains a self-referral by plus-tag email, phone and address", () => {
    const flags = identityFlags(referrer, {
      email: "a.lice+friend@example.com",
      phones: ["0170 1234567"],
      addresses: [{ address_1: "Unter den Linden 1", postal_code: "10117", country_code: "DE" }],
    })
    expect(flags.map((f) => f.rule)).toEqual(["same_email", "same_phone", "same_address"])
    expect(flags[0].message).toBe('Same email as the referrer once dots and "+" tags are ignored (alice@example.com)')
    expect(flags[1].message).toBe("Same phone number as the referrer (ending 4567)")
    expect(flags[2].message).toBe("Same address as the referrer (Unter den Linden 1, 10117, DE)")
  })

  it("finds nothing between strangers", () => {
    expect(identityFlags(referrer, { email: "ben@example.com", phones: [null], addresses: [] })).toEqual([])
  })

  it("flags the referral one over the monthly cap, and none without a cap", () => {
    expect(velocityFlag(1, 2)).toBeNull()
    expect(velocityFlag(2, 2)?.message).toBe("The referrer's 3rd referral this month; the monthly cap is 2")
    expect(velocityFlag(10, 10)?.message).toBe("The referrer's 11th referral this month; the monthly cap is 10")
    expect(velocityFlag(500, 0)).toBeNull()
    expect(monthStart(new Date("2026-11-23T19:00:00Z")).toISOString()).toBe("2026-11-01T00:00:00.000Z")
  })
})

describe("claims", () => {
  const program = { ...referralSettingsFromOptions({ enabled: true }), claim_window_days: 30 }
  const now = new Date("2026-06-30T12:00:00Z")
  const fresh = { has_account: true, created_at: new Date("2026-06-20T00:00:00Z"), has_orders: false, already_referred: false }

  it("gives reasons that concern the claimant only", () => {
    expect(claimRefusal(program, fresh, now)).toBeNull()
    expect(claimRefusal({ ...program, enabled: false }, fresh, now)).toMatch(/not running/)
    expect(claimRefusal(program, { ...fresh, has_orders: true }, now)).toBe(
      "Referral codes can only be used before your first order."
    )
    expect(claimRefusal(program, { ...fresh, already_referred: true }, now)).toBe("You have already used a referral code.")
    expect(claimRefusal(program, { ...fresh, created_at: new Date("2026-05-01T00:00:00Z") }, now)).toBe(
      "Referral codes can only be used within 30 days of creating your account."
    )
    // The code answer names no code and no owner.
    expect(CODE_NOT_ACCEPTED).not.toMatch(/exist|unknown|owner/i)
  })

  it("builds share links with or without a {code} placeholder", () => {
    expect(shareLink("https://shop.example.com", "7KQ4M-XC9TR")).toBe("https://shop.example.com/?ref=7KQ4M-XC9TR")
    expect(shareLink("https://shop.example.com/join?x=1", "7KQ4M-XC9TR")).toBe(
      "https://shop.example.com/join?x=1&ref=7KQ4M-XC9TR"
    )
    expect(shareLink("https://shop.example.com/r/{code}", "7KQ4M-XC9TR")).toBe("https://shop.example.com/r/7KQ4M-XC9TR")
    expect(shareLink(null, "7KQ4M-XC9TR")).toBeNull()
  })

  it("validates the program", () => {
    const base = referralSettingsFromOptions()
    expect(validateReferralSettings({ ...base, enabled: true, referrer_points: 0, referee_points: 0 })).toEqual([
      "An enabled program must reward the referrer, the friend, or both",
    ])
    expect(validateReferralSettings({ ...base, storefront_url: "ftp://x" })).toEqual([
      "storefront_url must be an http(s) URL",
    ])
    expect(validateReferralSettings({ ...base, min_order_amounts: { euro: 5 } })).toEqual([
      'min_order_amounts: "euro" is not a 3-letter currency code',
    ])
  })
})

describe("assessReferral", () => {
  const referrer: ReferralIdentity = {
    email: "alice@example.com",
    phones: [],
    addresses: [{ address_1: "Unter den Linden 1", postal_code: "10117", country_code: "de" }],
  }
  const referral: ReferralForAssessment = { status: "claimed", order_id: null, flags: [], min_order_amounts: { eur: 50 } }
  const order = (over: Partial<RefereeOrder> = {}): RefereeOrder => ({
    id: "order_1",
    display_id: 7,
    created_at: new Date("2026-06-01T00:00:00Z"),
    status: "pending",
    currency_code: "eur",
    email: "ben@example.com",
    amount: 100,
    captured: 120,
    refunded: 0,
    shipping_address: { address_1: "Torstraße 9", postal_code: "10119", country_code: "de" },
    window_passed: false,
    ...over,
  })
  const cleared = (key: string, rule: ReferralFlag["rule"], order_id: string | null = null): ReferralFlag => ({
    key,
    rule,
    message: "",
    order_id,
    detected_at: "2026-06-02T00:00:00Z",
    cleared_at: "2026-06-03T00:00:00Z",
  })

  it("waits without an order, qualifies inside the window, rewards after it", () => {
    expect(assessReferral(referral, [], referrer)).toMatchObject({ action: "wait", reason: "No qualifying order yet" })
    expect(assessReferral(referral, [order()], referrer)).toEqual({ action: "qualify", order_id: "order_1" })
    expect(assessReferral({ ...referral, status: "qualified", order_id: "order_1" }, [order()], referrer)).toMatchObject({
      action: "wait",
    })
    expect(assessReferral(referral, [order({ window_passed: true })], referrer)).toEqual({
      action: "reward",
      order_id: "order_1",
    })
  })

  it("skips orders below the minimum: the first order that reaches it qualifies", () => {
    const small = order({ id: "order_small", amount: 49.99, window_passed: true })
    const big = order({ id: "order_big", created_at: new Date("2026-06-05T00:00:00Z") })
    expect(assessReferral(referral, [big, small], referrer)).toEqual({ action: "qualify", order_id: "order_big" })
    // A currency without a minimum takes any order.
    expect(assessReferral(referral, [order({ currency_code: "usd", amount: 1 })], referrer).action).toBe("qualify")
  })

  it("flags a canceled or refunded first order, which never rewards", () => {
    const canceled = assessReferral(referral, [order({ status: "canceled", window_passed: true })], referrer)
    expect(canceled).toEqual({
      action: "flag",
      order_id: "order_1",
      flags: [
        {
          key: "order_canceled:order_1",
          rule: "order_canceled",
          message: "Order #7, the friend's first qualifying order, was canceled",
          order_id: "order_1",
        },
      ],
    })
    const refunded = assessReferral(referral, [order({ refunded: 120, window_passed: true })], referrer)
    expect(refunded).toMatchObject({ action: "flag", flags: [{ rule: "order_refunded" }] })
    expect(refunded.action === "flag" && refunded.flags[0].message).toMatch(/was refunded \(120 EUR\)/)
    // Refunded below the minimum: 100 EUR of items, 80 of 120 EUR refunded, a third kept (33.33 < 50).
    expect(assessReferral(referral, [order({ refunded: 80, window_passed: true })], referrer)).toMatchObject({
      action: "flag",
      flags: [{ rule: "order_refunded" }],
    })
  })

  it("keeps a first order partly refunded above the minimum qualifying, as a partial refund after the payout keeps the rewards", () => {
    // 20 of 120 EUR refunded: 83.33 EUR of items kept, over the 50 EUR minimum.
    expect(assessReferral(referral, [order({ refunded: 20 })], referrer)).toEqual({ action: "qualify", order_id: "order_1" })
    expect(assessReferral(referral, [order({ refunded: 20, window_passed: true })], referrer)).toEqual({
      action: "reward",
      order_id: "order_1",
    })
    // A currency without a minimum: any partial refund keeps it; a full one does not.
    expect(assessReferral(referral, [order({ currency_code: "usd", refunded: 119 })], referrer).action).toBe("qualify")
    expect(assessReferral(referral, [order({ currency_code: "usd", refunded: 120 })], referrer).action).toBe("flag")
  })

  it("after an admin cleared a canceled order, waits for a later order instead of paying the canceled one", () => {
    const approved = { ...referral, flags: [cleared("order_canceled:order_1", "order_canceled", "order_1")] }
    const first = order({ status: "canceled", window_passed: true })
    expect(assessReferral(approved, [first], referrer).action).toBe("wait")
    const second = order({ id: "order_2", created_at: new Date("2026-06-09T00:00:00Z"), window_passed: true })
    expect(assessReferral(approved, [first, second], referrer)).toEqual({ action: "reward", order_id: "order_2" })
  })

  it("flags an order shipped to the referrer's address, and not again once cleared", () => {
    const home = order({ shipping_address: { address_1: "Unter den Linden 1", postal_code: "10117", country_code: "DE" } })
    expect(assessReferral(referral, [home], referrer)).toMatchObject({
      action: "flag",
      flags: [{ rule: "same_address", order_id: "order_1" }],
    })
    const approved = { ...referral, flags: [cleared("same_address", "same_address")] }
    expect(assessReferral(approved, [{ ...home, window_passed: true }], referrer).action).toBe("reward")
  })

  it("does nothing with a referral that is not open", () => {
    for (const status of ["flagged", "rejected", "rewarded"] as const) {
      expect(assessReferral({ ...referral, status }, [order({ window_passed: true })], referrer).action).toBe("wait")
    }
  })
})

describe("referralRewardsForfeited (issue 12, referral rewards)", () => {
  const on = { take_back_rewards: true }
  const order = { display_id: 12, status: "pending", captured: "249.90", refunded: 0 }

  it("takes rewards back for a canceled order or a full refund", () => {
    expect(referralRewardsForfeited(on, { ...order, status: "canceled" })).toBe(
      "Referral reward taken back: order #12 was canceled"
    )
    expect(referralRewardsForfeited(on, { ...order, refunded: "249.90" })).toBe(
      "Referral reward taken back: order #12 was refunded in full"
    )
  })

  it("keeps them after a partial refund, for an unpaid order, and when the merchant switched it off", () => {
    expect(referralRewardsForfeited(on, { ...order, refunded: "249.89" })).toBeNull()
    expect(referralRewardsForfeited(on, { ...order, captured: 0 })).toBeNull()
    expect(referralRewardsForfeited({ take_back_rewards: false }, { ...order, status: "canceled" })).toBeNull()
  })
})

describe("referralsToTakeBack: the paid referrals whose take-back was lost", () => {
  const order = { display_id: 12, status: "pending", captured: "249.90", refunded: 0 }
  const page = [
    { referral_id: "lref_kept", order_id: "order_kept" },
    { referral_id: "lref_partial", order_id: "order_partial" },
    { referral_id: "lref_canceled", order_id: "order_canceled" },
    { referral_id: "lref_refunded", order_id: "order_refunded" },
    { referral_id: "lref_unreadable", order_id: "order_gone" },
  ]
  const orders = new Map<string, QualifyingOrderState>([
    ["order_kept", order],
    ["order_partial", { ...order, refunded: "100" }],
    ["order_canceled", { ...order, status: "canceled" }],
    ["order_refunded", { ...order, refunded: "249.90" }],
  ])

  it("picks those whose order is canceled or refunded in full, by the take-back rule", () => {
    expect(referralsToTakeBack({ take_back_rewards: true }, page, orders).map((r) => r.referral_id)).toEqual([
      "lref_canceled",
      "lref_refunded",
    ])
  })

  it("picks none when the merchant keeps rewards", () => {
    expect(referralsToTakeBack({ take_back_rewards: false }, page, orders)).toEqual([])
  })
})

describe("referralPayout: what a rewarded referral pays right before its credits are posted", () => {
  const on = { take_back_rewards: true }
  const order = { display_id: 12, status: "pending", captured: "249.90", refunded: 0 }
  const open = { referrer: false, referee: false }

  it("pays both sides while the order stands and both accounts are open, and when the order cannot be read", () => {
    const both = { referrer: true, referee: true, status: "rewarded", reason: null }
    expect(referralPayout(on, order, open)).toEqual(both)
    expect(referralPayout(on, { ...order, refunded: "100" }, open)).toEqual(both)
    expect(referralPayout(on, null, open)).toEqual(both)
  })

  it("pays nothing and ends the referral for an order canceled or refunded in full since it was marked rewarded", () => {
    expect(referralPayout(on, { ...order, status: "canceled" }, open)).toEqual({
      referrer: false, referee: false, status: "forfeited", reason: "Referral rewards not paid: order #12 was canceled",
    })
    expect(referralPayout(on, { ...order, refunded: "249.90" }, { referrer: true, referee: false })).toEqual({
      referrer: false, referee: false, status: "forfeited", reason: "Referral rewards not paid: order #12 was refunded in full",
    })
  })

  it("pays a canceled order's rewards when the merchant keeps rewards of canceled orders (take-back off): the same rule as the take-back", () => {
    expect(referralPayout({ take_back_rewards: false }, { ...order, status: "canceled" }, open).status).toBe("rewarded")
  })

  it("pays the open side alone when one customer was deleted, and nothing when both were, with the reason", () => {
    expect(referralPayout(on, order, { referrer: true, referee: false })).toEqual({
      referrer: false, referee: true, status: "rewarded", reason: "The referrer's reward was not paid: their customer account was deleted",
    })
    expect(referralPayout(on, order, { referrer: false, referee: true })).toEqual({
      referrer: true, referee: false, status: "rewarded", reason: "The friend's reward was not paid: their customer account was deleted",
    })
    expect(referralPayout(on, order, { referrer: true, referee: true })).toEqual({
      referrer: false, referee: false, status: "forfeited", reason: "Referral rewards not paid: both customer accounts were deleted",
    })
  })
})

describe("the module's rules (issue 16, referrals module)", () => {
  const now = new Date("2026-06-30T12:00:00Z")
  const held: ReferralFlag = {
    key: "same_email",
    rule: "same_email",
    message: "Same email",
    order_id: null,
    detected_at: "2026-06-01T00:00:00.000Z",
    cleared_at: null,
  }

  it("stamps new flags and keeps a key already there as it was", () => {
    const flags = stampFlags(
      [held],
      [
        { key: "same_email", rule: "same_email", message: "again", order_id: "order_1" },
        { key: "velocity", rule: "velocity", message: "6th", order_id: null },
      ],
      now
    )
    expect(flags).toEqual([
      held,
      { key: "velocity", rule: "velocity", message: "6th", order_id: null, detected_at: now.toISOString(), cleared_at: null },
    ])
  })

  it("refuses a claim attempt over the customer's limit first, then the address's, with the seconds to wait", () => {
    const limits = { per_customer: 5, per_address: 20, window_minutes: 10 }
    const counts = { by_customer: 4, customer_oldest: null, by_address: 19, address_oldest: null, now }
    expect(claimLimitHit(counts, limits)).toBeNull()
    // The oldest attempt, 9 minutes 30.2 s old, leaves the 10-minute window in 29.8 s: wait 30.
    const oldest = new Date(now.getTime() - 570_200)
    expect(claimLimitHit({ ...counts, by_customer: 5, customer_oldest: oldest, by_address: 20 }, limits)).toEqual({
      limited_by: "customer",
      retry_after_seconds: 30,
    })
    expect(claimLimitHit({ ...counts, by_address: 20, address_oldest: oldest.toISOString() }, limits)).toEqual({
      limited_by: "address",
      retry_after_seconds: 30,
    })
    // An attempt already out of the window (clock skew) still asks for a second.
    expect(claimLimitHit({ ...counts, by_customer: 5, customer_oldest: new Date(now.getTime() - 3_600_000) }, limits)).toEqual({
      limited_by: "customer",
      retry_after_seconds: 1,
    })
  })

  it("sums a referrer's referrals and points by status", () => {
    const summary = summarizeByStatus([
      { status: "rewarded", referrer_points: 300 },
      { status: "rewarded", referrer_points: 300 },
      { status: "flagged", referrer_points: 500 },
    ])
    expect(summary).toEqual({
      claimed: { count: 0, points: 0 },
      qualified: { count: 0, points: 0 },
      rewarded: { count: 2, points: 600 },
      flagged: { count: 1, points: 500 },
      rejected: { count: 0, points: 0 },
      forfeited: { count: 0, points: 0 },
    })
  })

  it("approves a flagged referral by clearing its flags, rejects an open one keeping them", () => {
    const cleared = { ...held, key: "velocity", rule: "velocity" as const, cleared_at: "2026-06-02T00:00:00.000Z" }
    const input = { actor_id: "user_1", note: "known customer", now }
    expect(decisionFrom("approve")).toEqual(["flagged"])
    expect(decisionFrom("reject")).toEqual(["claimed", "qualified", "flagged"])
    expect(decisionChange([held, cleared], { ...input, decision: "approve" })).toEqual({
      status: "claimed",
      flags: [{ ...held, cleared_at: now.toISOString() }, cleared],
      decision: "approved",
      decided_by: "user_1",
      decided_at: now,
      decision_note: "known customer",
    })
    expect(decisionChange([held], { ...input, decision: "reject" })).toMatchObject({ status: "rejected", flags: [held] })
    expect(decisionRefusal("approve", "claimed")).toBe("Only a flagged referral can be approved; this one is claimed")
    expect(decisionRefusal("reject", "rewarded")).toBe("A rewarded referral can no longer be rejected")
  })
})
