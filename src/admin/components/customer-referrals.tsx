import { Table, Text } from "@medusajs/ui"
import { TableHead } from "./table-head"
import { Link } from "react-router-dom"
import { useCustomerReferrals } from "../hooks/use-referrals"
import { formatDate, formatPoints } from "../lib/format"
import type { AdminReferral } from "../lib/referrals-api"
import { QueryState } from "./query-state"
import { PartyLink, ReferralStatusBadge } from "./referral-party"

const REVIEW_PATH = "/settings/loyalty/referrals"

/** Open flags of a referral, one line; cleared ones are not repeated here. */
const openReasons = (referral: AdminReferral) =>
  referral.flags.filter((flag) => !flag.cleared_at).map((flag) => flag.message).join("; ")

/**
 * The customer's referrals both ways, for the customer page's loyalty card:
 * their code, who referred them, and the friends they referred, each with
 * status and the reason when a referral is held for review.
 */
export const CustomerReferrals = ({ customerId }: { customerId: string }) => {
  const query = useCustomerReferrals(customerId)
  const { data } = query

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
                    <Link to={REVIEW_PATH} className="text-ui-fg-interactive">
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
            <div className="overflow-x-auto">
              <Table data-testid="customer-referrals-made">
                <TableHead columns={["Friend", "Claimed", "Status", { label: "Points", right: true }]} />
                <Table.Body>
                  {data.referrals.map((referral) => (
                    <Table.Row key={referral.id} data-testid="customer-referral-row">
                      <Table.Cell>
                        <PartyLink party={referral.referee} />
                        {openReasons(referral) && (
                          <Text size="xsmall" className="text-ui-fg-error">
                            {openReasons(referral)}
                          </Text>
                        )}
                      </Table.Cell>
                      <Table.Cell className="whitespace-nowrap">{formatDate(referral.claimed_at)}</Table.Cell>
                      <Table.Cell>
                        <ReferralStatusBadge referral={referral} />
                      </Table.Cell>
                      <Table.Cell className="text-right">{formatPoints(referral.referrer_points)}</Table.Cell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table>
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
