export * from "./manage-campaigns"
export * from "./steps/load-campaign-facts"
export * from "./steps/reserve-campaign-awards"
