"use strict"

/** Logins the demo creates and prints (the shopper's are also in demo/seed.ts). */
module.exports = {
  ADMIN_EMAIL: "admin@loyalty.demo",
  ADMIN_PASSWORD: "loyalty-demo-admin",
  SHOPPER_EMAIL: "shopper@loyalty.demo",
  SHOPPER_PASSWORD: "loyalty-demo",
  /** store.metadata key the seed sets when it has finished */
  SEED_MARKER: "loyalty_demo_seed",
  /** store.metadata key demo/seed-large.ts sets when the large store is seeded (--size large) */
  LARGE_MARKER: "loyalty_demo_large",
  DEFAULT_PORT: 9000,
}
