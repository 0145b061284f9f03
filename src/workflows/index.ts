export * from "./points"
