import type { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_REFERRALS_MODULE } from "../../src/modules/loyalty-referrals"
import type LoyaltyReferralsModuleService from "../../src/modules/loyalty-referrals/service"

export const referralsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyReferralsModuleService>(LOYALTY_REFERRALS_MODULE)

/** Send a request and return its status, headers and body, whatever the status. */
export async function attempt(
  call: Promise<{ status: number; data: unknown; headers?: Record<string, unknown> }>
): Promise<{ status: number; data: any; headers: Record<string, unknown> }> {
  try {
    const response = await call
    return { status: response.status, data: response.data, headers: response.headers ?? {} }
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers?: Record<string, unknown> } })
      .response
    if (!response) throw error
    return { status: response.status, data: response.data, headers: response.headers ?? {} }
  }
}
