"use strict"

/** Logins the demo creates and prints (the shopper's are also in demo/seed.ts). */
module.exports = {
  ADMIN_EMAIL: "admin@loyalty.demo",
  ADMIN_PASSWORD: "loyalty-demo-admin",
  SHOPPER_EMAIL: "shopper@loyalty.demo",
  SHOPPER_PASSWORD: "loyalty-demo",
  /** store.metadata key the seed sets when it has finished */
  SEED_MARKER: "loyalty_demo_seed",
  DEFAULT_PORT: 9000,
}
