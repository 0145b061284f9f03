import { Badge, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { REFERRAL_STATUS_COLORS, REFERRAL_STATUS_LABELS, formatParty } from "../lib/format"
import type { AdminReferral } from "../lib/referrals-api"

/** One side of a referral: a link to the customer, or their name greyed out once deleted. */
export const PartyLink = ({ party }: { party: AdminReferral["referrer"] }) =>
  party.deleted ? (
    <Text size="small" className="text-ui-fg-muted">
      {formatParty(party)}
    </Text>
  ) : (
    <Link
      to={`/customers/${party.id}`}
      className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-small"
    >
      {formatParty(party)}
    </Link>
  )

/** A referral's status as a coloured badge. */
export const ReferralStatusBadge = ({ referral }: { referral: AdminReferral }) => (
  <Badge size="2xsmall" color={REFERRAL_STATUS_COLORS[referral.status] ?? "grey"}>
    {REFERRAL_STATUS_LABELS[referral.status] ?? referral.status}
  </Badge>
)
