export * from "./points"
export * from "./insights"
