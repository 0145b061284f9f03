import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Container, Heading, Text, clx } from "@medusajs/ui"
import { useLoyaltyOrderPoints } from "../hooks/use-loyalty"
import { formatPoints, toNumber } from "../lib/format"
import { getErrorMessage, getErrorStatus } from "../lib/loyalty-api"
import type { LoyaltyOrderPoints } from "../lib/loyalty-api"

type Row = {
  key: keyof Omit<LoyaltyOrderPoints, "order_id">
  label: string
  /** Shown even when 0. */
  always: boolean
}

const ROWS: Row[] = [
  { key: "earned", label: "Earned", always: true },
  { key: "pending", label: "Pending", always: true },
  { key: "released", label: "Released", always: true },
  { key: "reversed", label: "Reversed", always: true },
  { key: "redeemed", label: "Redeemed", always: true },
  { key: "restored", label: "Restored", always: false },
]

const OrderLoyaltyWidget = ({
  data: order,
}: DetailWidgetProps<HttpTypes.AdminOrder>) => {
  const { data, isPending, isError, error } = useLoyaltyOrderPoints(order.id, {
    // No record for this order is "no points", not an error worth retrying.
    retry: (count, err) => getErrorStatus(err) !== 404 && count < 2,
  })

  const notFound = isError && getErrorStatus(error) === 404
  const points = data?.order_points
  const hasPoints =
    !!points &&
    (ROWS.some((r) => toNumber(points[r.key]) !== 0) ||
      (data?.entries.length ?? 0) > 0)

  return (
    <Container className="divide-y p-0" data-testid="order-loyalty">
      <div className="px-6 py-4">
        <Heading level="h2">Loyalty points</Heading>
      </div>
      {isPending ? (
        <div className="px-6 py-4">
          <Text size="small" className="text-ui-fg-subtle">
            Loading…
          </Text>
        </div>
      ) : isError && !notFound ? (
        <div className="px-6 py-4">
          <Text size="small" className="text-ui-fg-muted">
            Could not load points: {getErrorMessage(error)}
          </Text>
        </div>
      ) : !points || !hasPoints ? (
        <div className="px-6 py-4">
          <Text
            size="small"
            className="text-ui-fg-muted"
            data-testid="order-loyalty-empty"
          >
            This order earned no points
          </Text>
        </div>
      ) : (
        <div className="flex flex-col gap-y-2 px-6 py-4">
          {ROWS.filter(
            (r) => r.always || toNumber(points[r.key]) !== 0
          ).map((r) => {
            const value = toNumber(points[r.key])
            return (
              <div
                key={r.key}
                className="flex items-center justify-between"
              >
                <Text size="small" leading="compact" className="text-ui-fg-subtle">
                  {r.label}
                </Text>
                <Text
                  size="small"
                  leading="compact"
                  className={clx(value === 0 && "text-ui-fg-muted")}
                  data-testid={`order-loyalty-${r.key}`}
                >
                  {formatPoints(value)}
                </Text>
              </div>
            )
          })}
        </div>
      )}
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "order.details.side.after",
  // Stable, plugin-prefixed id: keeps merchants' layout choices across renames.
  id: "loyalty-points.order-loyalty",
})

export default OrderLoyaltyWidget
