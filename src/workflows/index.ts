export * from "./cart"
export * from "./points"
export * from "./tiers"
