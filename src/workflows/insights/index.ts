export * from "./recompute-insights"
export * from "./submit-feedback"
export * from "./update-insight-settings"
export * from "./take-back-feedback-points"
