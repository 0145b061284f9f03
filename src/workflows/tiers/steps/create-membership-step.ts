import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

type TiersService = ReturnType<typeof tiersService>

/**
 * A step that changes one customer's membership through the tiers module (an
 * evaluation, a review, an override set or ended) and returns the
 * `MembershipWrite`. Every membership change is undone the same way:
 * compensation restores the state before, if nobody moved on since. So the
 * membership steps differ only in which change they make.
 */
export function createMembershipStep<I, W extends MembershipWrite | null>(
  id: string,
  write: (service: TiersService, input: I) => Promise<W>
) {
  return createStep<I, W, MembershipWrite | null>(
    id,
    async (input, { container }) => {
      const done = await write(tiersService(container), input)
      return new StepResponse<W, MembershipWrite | null>(done, done)
    },
    async (done, { container }) => {
      if (done) {
        await tiersService(container).restoreMembership(done)
      }
    }
  )
}
