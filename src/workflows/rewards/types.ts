import type { RewardKind } from "../../lib/shared/vocabulary"

export type RewardInput = {
  name: string
  description?: string | null
  kind: RewardKind
  amounts?: Record<string, number> | null
  percentage?: number | null
  points_cost: number
  starts_at?: Date | null
  ends_at?: Date | null
  per_customer_limit?: number | null
  valid_days?: number
  refund_on_expiry?: boolean
  is_active?: boolean
}
