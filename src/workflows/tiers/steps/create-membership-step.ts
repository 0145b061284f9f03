import { StepExecutionContext } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

/** Every membership change is undone the same way: back to the state before, if nobody moved on since. */
export const restore = async (write: MembershipWrite | null | undefined, { container }: StepExecutionContext) => {
  if (write) {
    await tiersService(container).restoreMembership(write)
  }
}
