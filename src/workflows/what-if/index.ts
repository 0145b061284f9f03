export * from "./what-if"
export * from "./steps/load-what-if-rules"
export * from "./steps/replay-order-history"
