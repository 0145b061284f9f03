import { emitEventStep } from "@medusajs/medusa/core-flows"
import { transform, when, type WorkflowData } from "@medusajs/framework/workflows-sdk"
import { pointsEventsFor, type PostingEventSource } from "../../lib/shared/events"

/**
 * In a workflow's composition: emit `eventName` for the entry a posting step
 * actually wrote, and nothing when it wrote none (a replayed key, zero
 * points). The composition every single-posting workflow ends with.
 */
export function emitPointsEvents(
  eventName: string,
  result: WorkflowData<PostingEventSource | null | undefined>
) {
  const events = transform({ result }, ({ result }) => pointsEventsFor([result]))
  when({ events }, ({ events }) => events.length > 0).then(() => emitEventStep({ eventName, data: events }))
  return events
}
