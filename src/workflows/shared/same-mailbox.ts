import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { normalizeEmail } from "../../lib/shared/mailbox"

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * Ids of customers whose email is the same mailbox as `normalized` (guest
 * customers included, and deleted ones: someone who ordered, deleted their
 * account and registered again gets a new customer id, and their orders and
 * their sign-up bonus stay on the old one). The referral claim's "has
 * ordered" and the sign-up bonus's "welcomed before" read it, in their
 * steps. The database narrows with a pattern that lets dots and a "+tag" sit
 * anywhere (`a%l%i%c%e%@example.com`); the exact comparison is
 * `normalizeEmail`, the same function the referral fraud rules use.
 */
export async function sameMailboxCustomerIds(container: Pick<MedusaContainer, "resolve">, normalized: string | null): Promise<string[]> {
  if (!normalized) return []
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const [local, domain] = normalized.split("@")
  const domains = domain === "gmail.com" ? ["gmail.com", "googlemail.com"] : [domain]
  const pattern = (d: string) => `${Array.from(local, (c) => `${escapeLike(c)}%`).join("")}@${escapeLike(d)}`
  const { data } = await query.graph({
    entity: "customer",
    fields: ["id", "email"],
    filters: { $or: domains.map((d) => ({ email: { $ilike: pattern(d) } })) },
    withDeleted: true,
  })
  return data.filter((customer) => normalizeEmail(customer.email) === normalized).map((customer) => customer.id)
}
