import { runOnOneBoot } from "../helpers/one-boot"
import campaigns from "../http-suites/campaigns"
import checkoutPoints from "../http-suites/checkout-points"
import commerceFixture from "../http-suites/commerce-fixture"
import coupons from "../http-suites/coupons"
import extensionPoints from "../http-suites/extension-points"
import insights from "../http-suites/insights"
import liability from "../http-suites/liability"
import medusaFacts from "../http-suites/medusa-facts"
import memberCare from "../http-suites/member-care"
import memberImport from "../http-suites/member-import"
import orderFlows from "../http-suites/order-flows"
import pointsAccess from "../http-suites/points-access"
import pointsEarning from "../http-suites/points-earning"
import pointsReversal from "../http-suites/points-reversal"
import referrals from "../http-suites/referrals"
import tiers from "../http-suites/tiers"
import whatIf from "../http-suites/what-if"

// Per test and per hook, only ever reached by a hang: on the shared 2-core machine under a load of
// 17-20 the racing-carts checkout test took 222 s, the old per-file limit was 240 s.
jest.setTimeout(600_000)

/**
 * The HTTP suites that run on the test store of `medusa-config.ts`, on one
 * Medusa boot (runOnOneBoot: each suite starts from the booted database with
 * the boot's store, commerce fixture, admin and publishable key, built once;
 * each test from its suite's beforeAll). One suite alone:
 * `npm run test:http -- integration-tests/http/store.spec.ts -t "points earning"`.
 *
 * commerce fixture runs after a suite that sold things: its "starts every test
 * from the beforeAll snapshot" test then also shows that one suite's orders and
 * products do not reach the next suite.
 */
runOnOneBoot({
  title: "store",
  suites: [
    pointsEarning,
    commerceFixture,
    pointsReversal,
    checkoutPoints,
    orderFlows,
    coupons,
    referrals,
    tiers,
    insights,
    pointsAccess,
    campaigns,
    memberCare,
    extensionPoints,
    liability,
    memberImport,
    whatIf,
    medusaFacts,
  ],
})
