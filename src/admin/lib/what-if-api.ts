import type {
  RulesFigures,
  WhatIfResult as ReplayResult,
} from "../../workflows/what-if/steps/replay-order-history"
import type { z } from "@medusajs/framework/zod"
import type { AdminWhatIf } from "../../api/admin/loyalty/what-if/validators"
import { sdk } from "./sdk"
import type { Wire } from "./wire"

/** A proposal as the what-if route takes it (`POST /admin/loyalty/what-if`, the `AdminWhatIf` schema); parts left out stay as they are. */
export type WhatIfBody = Wire<z.input<typeof AdminWhatIf>>

/** The figures of one set of rules, as the replay computes them. */
export type WhatIfSide = RulesFigures

/** The what-if route's answer: the replay's result as JSON carries it. */
export type WhatIfResult = Wire<ReplayResult>

export const whatIfApi = {
  run: (body: WhatIfBody) =>
    sdk.client.fetch<{ what_if: WhatIfResult }>(`/admin/loyalty/what-if`, { method: "POST", body }),
}
