export * from "./cart"
export * from "./points"
export * from "./rewards"
export * from "./tiers"
