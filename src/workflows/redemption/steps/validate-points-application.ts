import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ProgramRules } from "../../../lib/points/program"
import {
  POINTS_CREDIT_LINE_REFERENCE,
  pointsToMoney,
  redemptionLimits,
  redemptionProblems,
} from "../../../lib/points/redemption"
import { pointsService } from "../../points/steps/resolve-service"
import { CartForPoints } from "./load-cart-for-points"

export const validatePointsApplicationStepId = "loyalty-validate-points-application-step"

export type ValidatePointsApplicationInput = {
  cart: CartForPoints
  /** The logged-in customer making the request. */
  customer_id: string
  /** Points to apply; 0 when removing. */
  points: number
  rules: ProgramRules
}

/**
 * Only the logged-in member who owns an open cart may put points on it, and
 * only within the program's limits and their balance. Returns the credit line
 * to write (null when removing). Nothing is debited here: the debit happens
 * when the cart completes.
 */
export const validatePointsApplicationStep = createStep(
  validatePointsApplicationStepId,
  async ({ cart, customer_id, points, rules }: ValidatePointsApplicationInput, { container }) => {
    if (!cart.customer_id || cart.customer_id !== customer_id) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used on your own cart")
    }
    if (!cart.is_member) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Create an account to use points")
    }
    if (cart.completed_at) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "This cart is already completed")
    }
    if (points === 0) {
      return new StepResponse(null)
    }
    const [account] = await pointsService(container).listAccounts({ customer_id }, { take: 1 })
    const balance = account?.balance ?? 0
    const limits = redemptionLimits(rules, cart, balance)
    const problems = redemptionProblems(points, limits, balance)
    if (problems.length) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
    }
    return new StepResponse({
      cart_id: cart.id,
      amount: pointsToMoney(points, limits.point_value!, cart.currency_code),
      reference: POINTS_CREDIT_LINE_REFERENCE,
      reference_id: customer_id,
      metadata: { points, point_value: limits.point_value, program_version: rules.version },
    })
  }
)
