export * from "./apply-points-to-cart"
