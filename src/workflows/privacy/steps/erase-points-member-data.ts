import { createEraseStep } from "./create-erase-step"
import { pointsService } from "../../points/steps/resolve-service"

export const erasePointsMemberDataStepId = "loyalty-erase-points-member-data-step"

/** What staff typed about a member in an adjustment may be personal: it is replaced, the amounts stay. */
export const ERASED_REASON = "Adjustment (reason erased)"

/**
 * The points module's personal data of a member: the birthday and the
 * reasons staff typed on adjustments. Balances, entries' amounts and lots stay
 * (the liability and KPIs stay right). Erasure is meant to be final, so there
 * is no compensation; it is idempotent, and a failed run is simply run again.
 */
export const erasePointsMemberDataStep = createEraseStep(erasePointsMemberDataStepId, pointsService, (service, customer_id) =>
  service.eraseMemberData({ customer_id, erased_reason: ERASED_REASON })
)
