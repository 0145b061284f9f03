import {
  Badge,
  Button,
  Container,
  toast,
  usePrompt,
} from "@medusajs/ui"
import { Outlet, useNavigate } from "react-router-dom"
import { EditDeleteButtons, QueryDataTable, useColumns } from "../../../../components/data-table"
import { LoyaltySettingsNav } from "../../../../components/loyalty-settings-nav"
import { useDeleteLoyaltyReward, useLoyaltyProgram, useLoyaltyRewards } from "../../../../hooks/use-loyalty"
import {
  REWARD_KIND_LABELS,
  formatPoints,
  formatRewardValue,
  formatWindow,
  type BadgeColor,
} from "../../../../lib/format"
import { getErrorMessage, type LoyaltyReward } from "../../../../lib/loyalty-api"
import { SectionHeading } from "../../../../components/section-heading"

/* ------------------------------------------------------------------ */
/* Settings → Loyalty → Rewards: the list; the create and edit drawers */
/* are child routes (reward-form.tsx).                                  */
/* ------------------------------------------------------------------ */

const rewardStatus = (r: LoyaltyReward): [string, BadgeColor] => {
  const now = Date.now()
  if (!r.is_active) return ["Inactive", "grey"]
  if (r.starts_at && new Date(r.starts_at).getTime() > now) return ["Scheduled", "blue"]
  if (r.ends_at && new Date(r.ends_at).getTime() <= now) return ["Ended", "orange"]
  return ["Active", "green"]
}


/* ------------------------------------------------------------------ */

/** The rewards table's columns; the actions open the edit route or ask before deleting. */
const useRewardColumns = (onDelete: (reward: LoyaltyReward) => void) =>
  useColumns<LoyaltyReward>(
    (columnHelper) => [
      columnHelper.accessor("name", {
        header: "Name",
        cell: ({ row: { original: reward } }) => (
          <span className="block max-w-[200px] truncate" title={reward.description ?? reward.name}>
            {reward.name}
          </span>
        ),
      }),
      columnHelper.accessor("kind", {
        header: "Kind",
        cell: ({ getValue }) => <span className="whitespace-nowrap">{REWARD_KIND_LABELS[getValue()] ?? getValue()}</span>,
      }),
      columnHelper.display({
        id: "value",
        header: "Value",
        cell: ({ row }) => <span className="whitespace-nowrap">{formatRewardValue(row.original)}</span>,
      }),
      columnHelper.accessor("points_cost", {
        header: "Points cost",
        align: "right",
        cell: ({ getValue }) => formatPoints(getValue()),
      }),
      columnHelper.display({
        id: "availability",
        header: "Availability",
        cell: ({ row: { original: reward } }) => (
          <span className="whitespace-nowrap">{formatWindow(reward.starts_at, reward.ends_at)}</span>
        ),
      }),
      columnHelper.accessor("per_customer_limit", {
        header: "Per customer",
        cell: ({ getValue }) => {
          const limit = getValue()
          return limit == null ? "Unlimited" : formatPoints(limit)
        },
      }),
      columnHelper.accessor("coupons_issued", {
        header: "Coupons issued",
        align: "right",
        cell: ({ getValue }) => formatPoints(getValue()),
      }),
      columnHelper.display({
        id: "status",
        header: "Status",
        cell: ({ row }) => {
          const [status, color] = rewardStatus(row.original)
          return (
            <Badge size="2xsmall" color={color}>
              {status}
            </Badge>
          )
        },
      }),
      columnHelper.display({
        id: "actions",
        cell: ({ row: { original: reward } }) => (
          <EditDeleteButtons
            id={reward.id}
            name={reward.name}
            onDelete={() => onDelete(reward)}
            testIdPrefix="loyalty-reward"
          />
        ),
      }),
    ],
    [onDelete]
  )

const LoyaltyRewardsPage = () => {
  const query = useLoyaltyRewards()
  // Loaded up front so a new reward's form (a child route) opens with a store currency.
  useLoyaltyProgram()
  const navigate = useNavigate()
  const prompt = usePrompt()
  const { mutateAsync: deleteReward } = useDeleteLoyaltyReward()

  const columns = useRewardColumns(async (reward: LoyaltyReward) => {
    const confirmed = await prompt({
      title: `Delete "${reward.name}"?`,
      description:
        "Customers can no longer buy this reward. Coupons already bought stay valid.",
      confirmText: "Delete",
      cancelText: "Cancel",
    })
    if (!confirmed) return
    try {
      await deleteReward(reward.id)
      toast.success("Reward deleted", { description: reward.name })
    } catch (err) {
      toast.error("Could not delete the reward", { description: getErrorMessage(err) })
    }
  })

  return (
    <div className="flex flex-col gap-y-3">
      <LoyaltySettingsNav />
      <Container className="divide-y p-0">
        <div className="flex items-start justify-between gap-x-4 px-6 py-4">
          <SectionHeading level="h1" title="Rewards">
            Coupons customers buy with their points.
          </SectionHeading>
          <Button size="small" variant="secondary" data-testid="loyalty-reward-create" onClick={() => navigate("create")}>
            Create reward
          </Button>
        </div>
        <QueryDataTable
          query={query} what="rewards" rows={(data) => data.rewards}
          testId="loyalty-rewards-table" columns={columns} getRowId={(reward) => reward.id}
          empty="No rewards yet. Create one to let customers spend points on coupons."
        />
      </Container>
      {/* The create and edit drawers (@create, @[id]/edit) are child routes drawn here. */}
      <Outlet />
    </div>
  )
}

/** Breadcrumb only: nested settings routes stay out of the sidebar (no `config`). */
export const handle = {
  breadcrumb: () => "Rewards",
}

export default LoyaltyRewardsPage
