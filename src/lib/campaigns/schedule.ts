import { DateTime, IANAZone } from "luxon"

/**
 * When a campaign runs: an optional window (`starts_at`..`ends_at`, either
 * open) and an optional recurrence of whole local days in the campaign's time
 * zone. Without a recurrence the campaign runs the whole window.
 */
export type CampaignRecurrence =
  /** Days of the month, 1–31; a day the month does not have (31 in April) is skipped. */
  | { kind: "monthly"; days: number[] }
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  | { kind: "weekly"; weekdays: number[] }
  /** Dates every year as "MM-DD" ("12-24"); "02-29" only in leap years. */
  | { kind: "yearly"; dates: string[] }

export type CampaignSchedule = {
  starts_at: Date | string | null
  ends_at: Date | string | null
  recurrence: CampaignRecurrence | null
  /** IANA time zone the recurrence's days are read in ("Europe/Berlin"). */
  time_zone: string
}

const instant = (value: Date | string) => DateTime.fromJSDate(new Date(value))

/**
 * Whether an IANA time zone name is known to this runtime. Only names: Luxon
 * also takes "local" and "system", which would make a campaign's days follow
 * each server process's own zone.
 */
export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone)
}

/** Whether a local calendar day (in the schedule's zone) is one the recurrence names. */
function recurs(recurrence: CampaignRecurrence, local: DateTime): boolean {
  switch (recurrence.kind) {
    case "monthly":
      return recurrence.days.includes(local.day)
    case "weekly":
      return recurrence.weekdays.includes(local.weekday)
    case "yearly":
      return recurrence.dates.includes(local.toFormat("MM-dd"))
  }
}

/**
 * Whether an instant is inside the campaign's window (start inclusive, end
 * exclusive; an open end is no bound), whatever its recurrence: what the
 * earning terms' read selects a campaign by (`listEarningTerms`).
 */
export function inWindow(schedule: Pick<CampaignSchedule, "starts_at" | "ends_at">, at: Date | string): boolean {
  const when = new Date(at).getTime()
  if (schedule.starts_at && when < new Date(schedule.starts_at).getTime()) return false
  if (schedule.ends_at && when >= new Date(schedule.ends_at).getTime()) return false
  return true
}

/**
 * Whether the campaign runs at an instant: inside its window (start
 * inclusive, end exclusive) and, with a recurrence, on one of its local days
 * in its time zone, from 00:00:00.000 to 23:59:59.999 local time (DST days
 * are 23 or 25 hours long; a local day is what the shopper's calendar says).
 */
export function runsAt(schedule: CampaignSchedule, at: Date | string): boolean {
  if (!inWindow(schedule, at)) return false
  if (!schedule.recurrence) return true
  return recurs(schedule.recurrence, instant(at).setZone(schedule.time_zone))
}

export type Occurrence = { starts_at: Date; ends_at: Date }

/**
 * The next `count` periods the campaign runs, from `from` on: each recurring
 * local day (its local midnight to the next local midnight, as instants),
 * clipped to the window; without a recurrence, the window itself. Looks at
 * most 4 years ahead (a yearly "02-29" recurs within that).
 */
export function nextOccurrences(schedule: CampaignSchedule, from: Date | string, count: number): Occurrence[] {
  const start = new Date(from)
  const windowStart = schedule.starts_at ? new Date(schedule.starts_at) : null
  const windowEnd = schedule.ends_at ? new Date(schedule.ends_at) : null
  if (windowEnd && windowEnd <= start) return []
  if (!schedule.recurrence) {
    const begins = windowStart && windowStart > start ? windowStart : start
    return [{ starts_at: begins, ends_at: windowEnd ?? DateTime.fromJSDate(begins).plus({ years: 100 }).toJSDate() }]
  }
  const result: Occurrence[] = []
  let day = instant(windowStart && windowStart > start ? windowStart : start)
    .setZone(schedule.time_zone)
    .startOf("day")
  for (let i = 0; i < 366 * 4 + 1 && result.length < count; i++, day = day.plus({ days: 1 }).startOf("day")) {
    if (!recurs(schedule.recurrence, day)) continue
    const dayStart = day.toJSDate()
    const dayEnd = day.plus({ days: 1 }).startOf("day").toJSDate()
    const begins = windowStart && windowStart > dayStart ? windowStart : dayStart
    const ends = windowEnd && windowEnd < dayEnd ? windowEnd : dayEnd
    if (ends <= start || begins >= ends) continue
    if (windowEnd && begins >= windowEnd) break
    result.push({ starts_at: begins, ends_at: ends })
  }
  return result
}

/** Problems with a schedule a merchant must fix before saving; empty when fine. */
export function scheduleProblems(schedule: CampaignSchedule): string[] {
  const problems: string[] = []
  if (!isValidTimeZone(schedule.time_zone)) problems.push(`time_zone: "${schedule.time_zone}" is not a known IANA time zone`)
  if (schedule.starts_at && schedule.ends_at && new Date(schedule.ends_at) <= new Date(schedule.starts_at)) {
    problems.push("ends_at must be after starts_at")
  }
  const recurrence = schedule.recurrence
  if (recurrence?.kind === "monthly" && (!recurrence.days.length || recurrence.days.some((d) => !(d >= 1 && d <= 31)))) {
    problems.push("recurrence.days must name days of the month between 1 and 31")
  }
  if (
    recurrence?.kind === "weekly" &&
    (!recurrence.weekdays.length || recurrence.weekdays.some((d) => !(d >= 1 && d <= 7)))
  ) {
    problems.push("recurrence.weekdays must name ISO weekdays between 1 (Monday) and 7 (Sunday)")
  }
  if (recurrence?.kind === "yearly") {
    const bad = recurrence.dates.filter((d) => {
      const match = /^(\d{2})-(\d{2})$/.exec(d)
      return !match || !DateTime.fromObject({ year: 2024, month: Number(match[1]), day: Number(match[2]) }).isValid
    })
    if (!recurrence.dates.length || bad.length) {
      problems.push(`recurrence.dates must be "MM-DD" calendar dates${bad.length ? ` (not ${bad.join(", ")})` : ""}`)
    }
  }
  return problems
}
