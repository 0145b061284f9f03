import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Badge, Container, Heading, Text, createDataTableColumnHelper } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { LoyaltyDataTable } from "../components/data-table"
import { loyaltyCareApi, type LoyaltyMemberCare } from "../lib/care-api"
import { formatDateTime } from "../lib/format"
import { getErrorMessage } from "../lib/loyalty-api"

const messageColumn = createDataTableColumnHelper<LoyaltyMemberCare["messages"][number]>()

/** The last loyalty messages sent: what triggered each, when, and how its sending went. */
const MESSAGE_COLUMNS = [
  messageColumn.accessor("trigger_type", { header: "Message", cell: ({ getValue }) => getValue().replace(/-/g, " ") }),
  messageColumn.accessor("created_at", { header: "Sent", cell: ({ getValue }) => formatDateTime(getValue()) }),
  messageColumn.accessor("status", { header: "Status" }),
]

/**
 * Customer page → "Member care": the birthday the member set, whether they
 * get loyalty messages, and the last messages the program sent them.
 */
const CustomerMemberCareWidget = ({ data: customer }: DetailWidgetProps<HttpTypes.AdminCustomer>) => {
  const { data, isPending, isError, error } = useQuery({
    queryKey: ["loyalty", "member-care", customer.id],
    queryFn: () => loyaltyCareApi.memberCare(customer.id),
  })
  return (
    <Container className="divide-y p-0" data-testid="loyalty-member-care">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Member care</Heading>
        {data && (
          <Badge size="small" color={data.preferences.notifications ? "green" : "grey"}>
            {data.preferences.notifications ? "Messages on" : "Messages off"}
          </Badge>
        )}
      </div>
      {isPending ? (
        <Text size="small" className="px-6 py-4 text-ui-fg-subtle">Loading…</Text>
      ) : isError ? (
        <Text size="small" className="px-6 py-4 text-ui-fg-error">Could not load: {getErrorMessage(error)}</Text>
      ) : (
        <>
          <div className="px-6 py-4">
            <Text size="small" data-testid="loyalty-member-birthday" data-birthday={data.preferences.birthday ?? ""}>
              Birthday: {data.preferences.birthday ?? "not given"}
            </Text>
          </div>
          {data.messages.length === 0 ? (
            <Text size="small" className="px-6 py-4 text-ui-fg-subtle">No loyalty messages sent yet.</Text>
          ) : (
            <LoyaltyDataTable
              testId="loyalty-member-messages"
              data={data.messages}
              columns={MESSAGE_COLUMNS}
              getRowId={(message) => message.id}
            />
          )}
        </>
      )}
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "customer.details.side.after",
})

export default CustomerMemberCareWidget
