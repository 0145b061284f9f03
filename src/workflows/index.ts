export * from "./points"
export * from "./tiers"
