import { rulesFromOptions, signupBonusPosting } from "../../src/lib/points/program"
import { normalizeEmail } from "../../src/lib/shared/mailbox"

describe("sign-up bonus", () => {
  const rules = { ...rulesFromOptions({ points: { signupBonus: 50, expiryMonths: 12 } }), version: 3 }
  const at = new Date("2027-03-01T10:00:00Z")
  const shopper = { id: "cus_new", has_account: true }

  it("welcomes a registered shopper whose mailbox was never welcomed, keyed by the customer", () => {
    expect(signupBonusPosting(rules, at, shopper, false)).toMatchObject({
      customer_id: "cus_new",
      type: "earn",
      points: 50,
      idempotency_key: "signup:customer:cus_new",
      program_version: 3,
      reference_type: "customer",
      reference_id: "cus_new",
      expires_at: new Date("2028-03-01T10:00:00Z"),
    })
  })

  it("gives nothing to a mailbox welcomed before (an account deleted and registered again, another address of it), to a customer without an account, or when the program has no bonus", () => {
    expect(signupBonusPosting(rules, at, shopper, true)).toBeNull()
    expect(signupBonusPosting(rules, at, { id: "cus_guest", has_account: false }, false)).toBeNull()
    expect(signupBonusPosting({ ...rules, signup_bonus: 0 }, at, shopper, false)).toBeNull()
  })

  it("reads an email as its mailbox: case, dots and a +tag ignored, googlemail as gmail", () => {
    expect(normalizeEmail(" WelcomeOnce+shop@Example.com ")).toBe("welcomeonce@example.com")
    expect(normalizeEmail("welcome.once@example.com")).toBe("welcomeonce@example.com")
    expect(normalizeEmail("a.b@googlemail.com")).toBe("ab@gmail.com")
    expect(normalizeEmail("nobody")).toBeNull()
  })
})
