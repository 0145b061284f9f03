export * from "./cart"
export * from "./points"
export * from "./insights"
export * from "./rewards"
