import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { LIFECYCLE_PLAYS, MATRIX_PLAYS, SEGMENT_LABELS, SEGMENT_PLAYS, SEGMENT_RULES } from "../../../../../lib/insights/rules"
import { currentRun, insightsModule } from "../views"

/** Counts, revenue share, the rule and the recommended play per segment, as of the newest succeeded run. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const run = await currentRun(req.scope)
  if (!run) {
    res.json({ run: null, segments: { rfm: [], matrix: [], lifecycle: [], value_band: [] } })
    return
  }
  const summary = await insightsModule(req.scope).segmentSummary(run.id)
  const play = (plays: Record<string, string>) => (row: { segment: string | null }) => ({
    ...row,
    play: row.segment ? plays[row.segment] ?? null : null,
  })
  res.json({
    run,
    segments: {
      rfm: summary.rfm.map((row) => ({
        ...play(SEGMENT_PLAYS)(row),
        label: row.segment ? SEGMENT_LABELS[row.segment as keyof typeof SEGMENT_LABELS] ?? row.segment : null,
        rule: row.segment ? SEGMENT_RULES[row.segment as keyof typeof SEGMENT_RULES] ?? null : null,
      })),
      matrix: summary.matrix.map(play(MATRIX_PLAYS)),
      lifecycle: summary.lifecycle.map(play(LIFECYCLE_PLAYS)),
      value_band: summary.value_band,
    },
  })
}
