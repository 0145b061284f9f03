import type { LoyaltyCampaign, LoyaltyCampaignBody } from "./campaigns-api"
import type { WhatIfBody } from "./what-if-api"

/**
 * The what-if proposal of the campaign being edited: the running campaigns
 * (scheduled and live) with this one as the form has it, replayed over the
 * last 12 months. A new campaign still in draft is previewed as if
 * published, and one whose window starts after today as if it had run
 * through the period (its recurrence kept): otherwise the past would show
 * no change.
 */
export function campaignProposal(
  campaigns: Pick<LoyaltyCampaign, "id" | "name" | "type" | "status">[],
  edited: { id: string | null; body: LoyaltyCampaignBody },
  now = new Date()
): { body: WhatIfBody; note: string | null } {
  const notes: string[] = []
  const body = { ...edited.body }
  if (!edited.id && body.status === "draft") {
    body.status = "live"
    notes.push("previewed as if published")
  }
  if (body.starts_at && new Date(body.starts_at) > now) {
    body.starts_at = null
    body.ends_at = null
    notes.push("its dates are in the future, so it is replayed as if it had run through the last 12 months")
  } else if (!edited.id && !body.starts_at) {
    // A new campaign without a start starts when saved: the past is replayed as if it had run all along.
    notes.push("starting when saved, so it is replayed as if it had run through the last 12 months")
  }
  // The others as they are (their id is enough: the rest is read from the saved campaign).
  const others = campaigns
    .filter((c) => c.id !== edited.id && (c.status === "scheduled" || c.status === "live"))
    .map((c) => ({ id: c.id, name: c.name, type: c.type }))
  return {
    body: { campaigns: [...others, { ...(edited.id ? { id: edited.id } : {}), ...body }] },
    note: notes.length ? `This campaign is ${notes.join("; ")}.` : null,
  }
}
