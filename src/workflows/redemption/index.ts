export * from "./apply-points-to-cart"
export * from "./hold-checkout-redemption"
