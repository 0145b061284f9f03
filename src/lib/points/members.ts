/** A member's birthday and messages opt-out as the account holds them. */
export type MemberPreferences = {
  birthday_month: number | null
  birthday_day: number | null
  birthday_set_at: Date | null
  notifications_opt_out: boolean
}

/** What a shopper (or staff) asks to change; `birthday: null` clears it, undefined leaves it. */
export type PreferencesChange = {
  birthday?: { month: number; day: number } | null
  notifications_opt_out?: boolean
  /** Staff correcting a birthday: allowed to change or clear one that is set. */
  allow_birthday_change?: boolean
  now: Date
}

/**
 * The fields a preferences change writes, or why it is refused. The birthday
 * is set once: a second, different one is refused (the bonus would otherwise
 * be paid again) unless staff correct it; setting the same one again writes
 * nothing, so its 30-day clock keeps running.
 */
export function preferencesPatch(
  current: Pick<MemberPreferences, "birthday_month" | "birthday_day">,
  change: PreferencesChange
): { patch: Partial<MemberPreferences> } | { refused: string } {
  const patch: Partial<MemberPreferences> = {}
  if (change.birthday) {
    const { month, day } = change.birthday
    const same = current.birthday_month === month && current.birthday_day === day
    if (current.birthday_month != null && !same && !change.allow_birthday_change) {
      return {
        refused: `Your birthday is already set (${String(current.birthday_month).padStart(2, "0")}-${String(current.birthday_day).padStart(2, "0")}); ask the store to change it`,
      }
    }
    if (!same) Object.assign(patch, { birthday_month: month, birthday_day: day, birthday_set_at: change.now })
  }
  if (change.birthday === null && change.allow_birthday_change && current.birthday_month != null) {
    Object.assign(patch, { birthday_month: null, birthday_day: null, birthday_set_at: null })
  }
  if (change.notifications_opt_out !== undefined) patch.notifications_opt_out = change.notifications_opt_out
  return { patch }
}
