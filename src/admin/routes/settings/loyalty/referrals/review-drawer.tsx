import { Button, Drawer, Label, Text, Textarea, clx, toast } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { QueryState } from "../../../../components/query-state"
import { RouteDrawer, useCloseRoute } from "../../../../components/route-drawer"
import { useDecideReferral, useReferral } from "../../../../hooks/use-referrals"
import { REFERRAL_STATUS_LABELS, formatDateTime, formatParty, formatPoints } from "../../../../lib/format"
import { getErrorMessage } from "../../../../lib/loyalty-api"
import { REFERRAL_NOTE_MAX_LENGTH, type AdminReferral, type ReferralStatus } from "../../../../lib/referrals-api"

/** The statuses an admin can still decide on (reject; approve a flagged one): the list's rows offer Review for these. */
export const REVIEWABLE_STATUSES: ReferralStatus[] = ["claimed", "qualified", "flagged"]

/** Every reason found, newest last; the ones an admin cleared are shown struck through. */
export const FlagList = ({ referral }: { referral: AdminReferral }) => {
  if (!referral.flags.length && !referral.decision_note) {
    return <span className="text-ui-fg-muted">-</span>
  }
  return (
    <ul className="flex flex-col gap-y-1" data-testid="referral-flags">
      {referral.flags.map((flag) => (
        <li
          key={flag.key}
          className={clx(
            "txt-compact-small",
            flag.cleared_at ? "text-ui-fg-muted line-through" : "text-ui-fg-base"
          )}
          title={flag.cleared_at ? `Cleared ${formatDateTime(flag.cleared_at)}` : undefined}
          data-testid="referral-flag"
        >
          {flag.message}
        </li>
      ))}
      {referral.decision_note && (
        <li className="txt-compact-small text-ui-fg-subtle" data-testid="referral-decision-note-text">
          {referral.decision === "approved" ? "Approved" : "Rejected"}: {referral.decision_note}
        </li>
      )}
    </ul>
  )
}

/**
 * Settings → Loyalty → Referrals → Review: a drawer over the referrals list at
 * /settings/loyalty/referrals/:id, reading its referral from
 * GET /admin/loyalty/referrals/:id (so the link can be shared and reloaded).
 * Approving or rejecting takes a note; the drawer closes once decided.
 */
export const ReviewReferralDrawer = ({ id }: { id: string }) => (
  <RouteDrawer>
    <Drawer.Header>
      <Drawer.Title>Review referral</Drawer.Title>
      <Drawer.Description>
        Approving clears the flags and lets the referral pay once its order
        qualifies; rejecting ends it.
      </Drawer.Description>
    </Drawer.Header>
    <QueryState query={useReferral(id)} loading="Loading the referral…" failed="Could not load the referral">
      {({ referral }) => <ReviewBody referral={referral} />}
    </QueryState>
  </RouteDrawer>
)

const ReviewBody = ({ referral }: { referral: AdminReferral }) => {
  const close = useCloseRoute()
  const [note, setNote] = useState("")
  const [noteError, setNoteError] = useState<string | null>(null)
  const { mutateAsync, isPending, variables } = useDecideReferral()
  const reviewable = REVIEWABLE_STATUSES.includes(referral.status)

  const decide = async (decision: "approve" | "reject") => {
    const text = note.trim()
    if (!text) {
      setNoteError("A note is required: say why.")
      return
    }
    if (text.length > REFERRAL_NOTE_MAX_LENGTH) {
      setNoteError(`At most ${REFERRAL_NOTE_MAX_LENGTH} characters.`)
      return
    }
    try {
      const res = await mutateAsync({ id: referral.id, decision, note: text })
      toast.success(decision === "approve" ? "Referral approved" : "Referral rejected", {
        description:
          res.referral.status === "rewarded"
            ? "Both sides have been paid."
            : `Status: ${REFERRAL_STATUS_LABELS[res.referral.status] ?? res.referral.status}.`,
      })
      close()
    } catch (err) {
      setNoteError(getErrorMessage(err))
    }
  }

  /** The button that sends one decision; it spins while that decision is on its way. */
  const decisionButton = (decision: "approve" | "reject", label: string, variant?: "danger") => (
    <Button
      size="small"
      variant={variant}
      type="button"
      isLoading={isPending && variables?.decision === decision}
      disabled={isPending}
      onClick={() => decide(decision)}
      data-testid={`referral-${decision}`}
    >
      {label}
    </Button>
  )

  return (
    <div className="flex flex-1 flex-col overflow-hidden" data-testid="referral-review-drawer">
      <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
        <div className="grid grid-cols-[120px_1fr] gap-y-2">
          <Text size="small" weight="plus">Referrer</Text>
          <Text size="small">{formatParty(referral.referrer)}</Text>
          <Text size="small" weight="plus">Friend</Text>
          <Text size="small">{formatParty(referral.referee)}</Text>
          <Text size="small" weight="plus">Code</Text>
          <Text size="small">{referral.code}</Text>
          <Text size="small" weight="plus">Status</Text>
          <Text size="small">{REFERRAL_STATUS_LABELS[referral.status]}</Text>
          {referral.forfeit_reason && (
            <>
              <Text size="small" weight="plus">Not paid</Text>
              <Text size="small" data-testid="referral-forfeit-reason">{referral.forfeit_reason}</Text>
            </>
          )}
          <Text size="small" weight="plus">Order</Text>
          <Text size="small">
            {referral.order_id ? (
              <Link
                to={`/orders/${referral.order_id}`}
                className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
              >
                {referral.order_id}
              </Link>
            ) : (
              "None yet"
            )}
          </Text>
          <Text size="small" weight="plus">Rewards</Text>
          <Text size="small">
            {formatPoints(referral.referrer_points)} points to the referrer,{" "}
            {formatPoints(referral.referee_points)} to the friend
          </Text>
        </div>
        <div className="flex flex-col gap-y-1">
          <Text size="small" weight="plus">Reasons</Text>
          <FlagList referral={referral} />
        </div>
        {reviewable ? (
          <div className="flex flex-col gap-y-1">
            <Label size="small" weight="plus" htmlFor="referral-decision-note">
              Note
            </Label>
            <Textarea
              id="referral-decision-note"
              data-testid="referral-decision-note"
              maxLength={REFERRAL_NOTE_MAX_LENGTH}
              placeholder="Why you decide this way; kept with the referral."
              value={note}
              onChange={(e) => {
                setNote(e.target.value)
                setNoteError(null)
              }}
              aria-invalid={!!noteError}
            />
            {noteError && (
              <Text size="xsmall" className="text-ui-fg-error" data-testid="referral-decision-error">
                {noteError}
              </Text>
            )}
          </div>
        ) : (
          <Text size="small" className="text-ui-fg-subtle" data-testid="referral-decided">
            This referral is {REFERRAL_STATUS_LABELS[referral.status]?.toLowerCase() ?? referral.status}: there is
            nothing left to decide.
          </Text>
        )}
      </Drawer.Body>
      <Drawer.Footer>
        <Button size="small" variant="secondary" type="button" onClick={close}>
          {reviewable ? "Cancel" : "Close"}
        </Button>
        {reviewable && decisionButton("reject", "Reject", "danger")}
        {referral.status === "flagged" && decisionButton("approve", "Approve")}
      </Drawer.Footer>
    </div>
  )
}
