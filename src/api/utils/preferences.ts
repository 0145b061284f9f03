import { MedusaContainer } from "@medusajs/framework/types"
import { pointsModule } from "./views"

const pad = (n: number) => String(n).padStart(2, "0")

/** A member's preferences as the routes answer them: `birthday` "MM-DD" or null, `notifications` on or off. */
export async function preferencesView(scope: MedusaContainer, customerId: string) {
  const [account] = await pointsModule(scope).listAccounts({ customer_id: customerId }, { take: 1 })
  return {
    birthday:
      account?.birthday_month != null && account.birthday_day != null
        ? `${pad(account.birthday_month)}-${pad(account.birthday_day)}`
        : null,
    birthday_set_at: account?.birthday_set_at ?? null,
    notifications: !account?.notifications_opt_out,
  }
}
