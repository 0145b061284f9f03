import { Text, createDataTableColumnHelper } from "@medusajs/ui"
import { Link, useLocation } from "react-router-dom"
import { LoyaltyDataTable } from "./data-table"
import { useCustomerReferrals } from "../hooks/use-referrals"
import { formatDate, formatPoints } from "../lib/format"
import type { AdminReferral } from "../lib/referrals-api"
import { QueryState } from "./query-state"
import { PartyLink, ReferralStatusBadge } from "./referral-party"
import { returnHere } from "./route-drawer"

const REVIEW_PATH = "/settings/loyalty/referrals"

/** Open flags of a referral, one line; cleared ones are not repeated here. */
const openReasons = (referral: AdminReferral) =>
  referral.flags.filter((flag) => !flag.cleared_at).map((flag) => flag.message).join("; ")

const referralColumn = createDataTableColumnHelper<AdminReferral>()

/** The friends this customer referred: each friend with what still holds the referral, its status and the points. */
const REFERRAL_COLUMNS = [
  referralColumn.accessor("referee", {
    header: "Friend",
    cell: ({ row: { original: referral } }) => (
      <div className="whitespace-normal">
        <PartyLink party={referral.referee} />
        {openReasons(referral) && (
          <Text size="xsmall" className="text-ui-fg-error">
            {openReasons(referral)}
          </Text>
        )}
      </div>
    ),
  }),
  referralColumn.accessor("claimed_at", {
    header: "Claimed",
    cell: ({ getValue }) => <span className="whitespace-nowrap">{formatDate(getValue())}</span>,
  }),
  referralColumn.accessor("status", {
    header: "Status",
    cell: ({ row }) => <ReferralStatusBadge referral={row.original} />,
  }),
  referralColumn.accessor("referrer_points", {
    header: "Points",
    align: "right",
    cell: ({ getValue }) => formatPoints(getValue()),
  }),
]

/**
 * The customer's referrals both ways, for the customer page's loyalty card:
 * their code, who referred them, and the friends they referred, each with
 * status and the reason when a referral is held for review.
 */
export const CustomerReferrals = ({ customerId }: { customerId: string }) => {
  const query = useCustomerReferrals(customerId)
  const { data } = query
  const location = useLocation()

  return (
    <div className="flex flex-col gap-y-3 px-6 py-4" data-testid="customer-referrals">
      <div className="flex items-center justify-between">
        <Text size="small" weight="plus">
          Referrals
        </Text>
        {data?.code && (
          <Text size="small" className="text-ui-fg-subtle" data-testid="customer-referral-code">
            Code {data.code}
          </Text>
        )}
      </div>
      <QueryState query={query} loading="Loading referrals…" failed="Could not load referrals" inline>
        {(data) => (
        <>
          <div className="flex items-start gap-x-2" data-testid="customer-referred-by">
            <Text size="small" className="text-ui-fg-subtle shrink-0">
              Referred by:
            </Text>
            {data.referred_by ? (
              <div className="flex flex-col gap-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <PartyLink party={data.referred_by.referrer} />
                  <ReferralStatusBadge referral={data.referred_by} />
                  <Text size="xsmall" className="text-ui-fg-subtle">
                    {formatPoints(data.referred_by.referee_points)} points for this customer
                  </Text>
                </div>
                {openReasons(data.referred_by) && (
                  <Text size="xsmall" className="text-ui-fg-error">
                    {openReasons(data.referred_by)} ·{" "}
                    <Link
                      to={`${REVIEW_PATH}/${data.referred_by.id}`}
                      state={returnHere(location.pathname)}
                      className="text-ui-fg-interactive"
                    >
                      Review
                    </Link>
                  </Text>
                )}
              </div>
            ) : (
              <Text size="small" className="text-ui-fg-muted">
                Nobody
              </Text>
            )}
          </div>
          {data.referrals.length === 0 ? (
            <Text size="small" className="text-ui-fg-muted">
              Has not referred anyone yet.
            </Text>
          ) : (
            <div>
              <LoyaltyDataTable
                testId="customer-referrals-made"
                data={data.referrals}
                columns={REFERRAL_COLUMNS}
                getRowId={(referral) => referral.id}
              />
              {data.count > data.referrals.length && (
                <Text size="xsmall" className="text-ui-fg-subtle mt-2">
                  Showing {data.referrals.length} of {data.count}.{" "}
                  <Link to={REVIEW_PATH} className="text-ui-fg-interactive">
                    All referrals
                  </Link>
                </Text>
              )}
            </div>
          )}
        </>
        )}
      </QueryState>
    </div>
  )
}
