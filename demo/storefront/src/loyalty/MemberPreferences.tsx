import { useState } from "react"
import type { StoreMemberPreferences } from "medusa-plugin-loyalty-points/client"
import { useLoyaltyContext } from "./context"
import { errorMessage } from "./format"
import { useMemberPreferences } from "./hooks"

/**
 * The member's birthday (set once: the store pays a birthday bonus) and the
 * switch for loyalty messages. Render it only for a logged-in customer.
 */
export function MemberPreferences() {
  const { client } = useLoyaltyContext()
  const { preferences, error, refresh } = useMemberPreferences()
  const [birthday, setBirthday] = useState("")
  const [saving, setSaving] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  if (error) return <span className="loyalty-error">Preferences unavailable: {error}</span>
  if (!preferences) return <span className="loyalty-muted">Loading your preferences…</span>

  const save = async (changes: Partial<Pick<StoreMemberPreferences, "notifications">> & { birthday?: string }) => {
    setSaving(true)
    setProblem(null)
    try {
      await client.updatePreferences(changes)
      refresh()
    } catch (e) {
      setProblem(errorMessage(e))
    } finally {
      setSaving(false)
    }
  }

  return (
    <div className="loyalty-preferences">
      {preferences.birthday ? (
        <p data-testid="loyalty-birthday" data-birthday={preferences.birthday}>
          Your birthday: {preferences.birthday} <span className="loyalty-muted">(a bonus on the day)</span>
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save({ birthday })
          }}
        >
          <label>
            Your birthday, for a bonus on the day{" "}
            <input
              aria-label="Birthday"
              placeholder="MM-DD"
              value={birthday}
              onChange={(e) => setBirthday(e.target.value)}
              pattern={"(\\d{4}-)?\\d{2}-\\d{2}"}
              required
            />
          </label>{" "}
          <button type="submit" disabled={saving}>
            Save birthday
          </button>
        </form>
      )}
      <label>
        <input
          type="checkbox"
          aria-label="Loyalty messages"
          checked={preferences.notifications}
          disabled={saving}
          onChange={(e) => save({ notifications: e.target.checked })}
        />{" "}
        Tell me about my points (earned, expiring, rewards)
      </label>
      {problem && <div className="loyalty-error">{problem}</div>}
    </div>
  )
}
