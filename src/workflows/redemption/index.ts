export * from "./apply-points-to-cart"
export * from "./hold-checkout-redemption"
export { checkoutRedemptionOf, type CheckoutRedemption } from "./checkout-cart"
