export * from "./points"
export * from "./referrals"
