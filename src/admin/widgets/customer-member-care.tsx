import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Badge, Container, Heading, Table, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { TableHead } from "../components/table-head"
import { loyaltyCareApi } from "../lib/care-api"
import { formatDateTime } from "../lib/format"
import { getErrorMessage } from "../lib/loyalty-api"

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
            <Table>
              <TableHead columns={["Message", "Sent", "Status"]} />
              <Table.Body>
                {data.messages.map((message) => (
                  <Table.Row key={message.id}>
                    <Table.Cell>{message.trigger_type.replace(/-/g, " ")}</Table.Cell>
                    <Table.Cell>{formatDateTime(message.created_at)}</Table.Cell>
                    <Table.Cell>{message.status}</Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
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
