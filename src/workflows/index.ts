export * from "./cart"
export * from "./points"
