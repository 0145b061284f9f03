/**
 * The segment names of the customer insights and their labels: pure data, so
 * the rules, the routes and the admin pages read the same words.
 */

/**
 * The common RFM segment table (R × F grid, with spend for champions), in the
 * order the admin lists them. See `rfmSegment` for the rule of each.
 */
export const RFM_SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalist",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose",
  "hibernating",
  "lost",
] as const
export type RfmSegment = (typeof RFM_SEGMENTS)[number]

export const MATRIX_SEGMENTS = ["potential", "passive", "active", "die_hard"] as const
export type MatrixSegment = (typeof MATRIX_SEGMENTS)[number]

export const LIFECYCLE_STAGES = ["new", "active", "growing", "at_risk", "churned", "reactivated"] as const
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number]

export const VALUE_BANDS = ["high", "medium", "low"] as const
export type ValueBand = (typeof VALUE_BANDS)[number]

export const SEGMENT_LABELS: Record<RfmSegment, string> = {
  champions: "Champions",
  loyal: "Loyal",
  potential_loyalist: "Potential loyalist",
  new: "New",
  promising: "Promising",
  need_attention: "Need attention",
  about_to_sleep: "About to sleep",
  at_risk: "At risk",
  cant_lose: "Can't lose",
  hibernating: "Hibernating",
  lost: "Lost",
}

/** The label of every segment, stage and band, as the admin shows them. */
export const INSIGHT_LABELS: Record<RfmSegment | MatrixSegment | LifecycleStage | ValueBand, string> = {
  ...SEGMENT_LABELS,
  potential: "Potential",
  passive: "Passive",
  active: "Active",
  die_hard: "Die-hard",
  growing: "Growing",
  churned: "Churned",
  reactivated: "Reactivated",
  high: "High",
  medium: "Medium",
  low: "Low",
}

/** The four labels a customer's insight gives them (each null until a run sets it). */
export type InsightSegmentFields = {
  rfm_segment: string | null
  matrix_segment: string | null
  lifecycle_stage: string | null
  value_band: string | null
}

/**
 * The segments a campaign can target a customer by: their RFM segment,
 * matrix segment, lifecycle stage and value band, those their latest
 * insight sets.
 */
export function insightSegments(insight: InsightSegmentFields): string[] {
  return [insight.rfm_segment, insight.matrix_segment, insight.lifecycle_stage, insight.value_band].filter(
    (segment): segment is string => !!segment
  )
}
