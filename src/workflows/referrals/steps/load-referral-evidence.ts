import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { transactionsTotal } from "../../../lib/shared/order-transactions"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { addDays } from "../../../lib/shared/dates"
import { computeEarning } from "../../../lib/points/earning"
import { earnableCreditLineOf, earnableItemOf, presentOf } from "../../../lib/points/graph-inputs"
import { OPEN_REFERRAL_STATUSES, RefereeOrder, ReferralIdentity } from "../../../lib/referrals/rules"
import { ReferralRecord } from "../../../modules/loyalty-referrals/types"
import { pointsService } from "../../points/steps/resolve-service"
import { loadCustomerIdentity } from "./identity"

export const loadReferralEvidenceStepId = "loyalty-load-referral-evidence-step"

export type ReferralEvidence = { orders: RefereeOrder[]; referrer: ReferralIdentity }

/** A friend's orders considered for qualification; more than this many is not a "first order" question any more. */
const ORDERS_CONSIDERED = 20

const ORDER_FIELDS = [
  "id",
  "display_id",
  "status",
  "currency_code",
  "email",
  "created_at",
  "total",
  "items.subtotal",
  "items.discount_subtotal",
  "items.is_giftcard",
  "credit_lines.amount",
  "credit_lines.reference",
  "transactions.amount",
  "transactions.reference",
  "shipping_address.address_1",
  "shipping_address.address_2",
  "shipping_address.postal_code",
  "shipping_address.city",
  "shipping_address.country_code",
  "shipping_address.phone",
]

/**
 * What the assessment needs about an open referral: the friend's orders
 * since the claim (amount as the earn rule counts it, status, cash captured and refunded,
 * delivery address, and whether the return window is over) and the
 * referrer's identity. The window is over when the points ledger released
 * the order's points, the same moment the shopper sees them; an order that
 * earned no points (a currency without an earn rate) uses its date plus the
 * program's return window, and so does the order of a friend whose customer
 * was deleted: closing the account forfeited its pending points, so they are
 * never released, and the referral would otherwise wait forever (the
 * referrer is then paid alone, see `referralPayout`). Null for a referral
 * that is not open.
 */
export const loadReferralEvidenceStep = createStep(
  loadReferralEvidenceStepId,
  async (input: { referral: ReferralRecord | null; now: Date }, { container }) => {
    const referral = input.referral
    if (!referral || !OPEN_REFERRAL_STATUSES.includes(referral.status)) {
      return new StepResponse<ReferralEvidence | null>(null)
    }
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: ORDER_FIELDS,
      filters: {
        customer_id: referral.referee_id,
        status: { $ne: "draft" },
        created_at: { $gte: new Date(referral.claimed_at) },
      },
      pagination: { take: ORDERS_CONSIDERED, order: { created_at: "ASC" } },
    })
    const points = pointsService(container)
    const [summaries, rules, accounts] = await Promise.all([
      points.summarizeOrders(data.map((order) => order.id)),
      points.getProgramRules(),
      points.listAccounts({ customer_id: referral.referee_id }, { select: ["deleted_at"], take: null, withDeleted: true }),
    ])
    const refereeClosed = accounts.length > 0 && accounts.every((account) => !!account.deleted_at)
    const now = new Date(input.now)

    const orders: RefereeOrder[] = data.map((order, i) => {
      const summary = summaries[i]
      const createdAt = new Date(order.created_at as unknown as string)
      const refunded = Number(transactionsTotal(order.transactions, "refund"))
      const { items_net } = computeEarning({
        items: presentOf(order.items).map(earnableItemOf),
        total: order.total ?? 0,
        credit_lines: presentOf(order.credit_lines).map(earnableCreditLineOf),
        rate: null,
      })
      return {
        id: order.id,
        display_id: order.display_id ?? null,
        created_at: createdAt,
        status: order.status,
        currency_code: order.currency_code,
        email: order.email ?? null,
        amount: items_net,
        captured: Number(transactionsTotal(order.transactions, "capture")),
        refunded,
        shipping_address: order.shipping_address
          ? {
              address_1: order.shipping_address.address_1 ?? null,
              address_2: order.shipping_address.address_2 ?? null,
              postal_code: order.shipping_address.postal_code ?? null,
              city: order.shipping_address.city ?? null,
              country_code: order.shipping_address.country_code ?? null,
              phone: order.shipping_address.phone ?? null,
            }
          : null,
        window_passed:
          summary.earned > 0 && !refereeClosed ? summary.released > 0 : addDays(createdAt, rules.pending_days) <= now,
      }
    })

    const referrer = await loadCustomerIdentity(container, referral.referrer_id, { withOrders: true })
    return new StepResponse<ReferralEvidence | null>({
      orders,
      referrer: referrer?.identity ?? { email: null, phones: [], addresses: [] },
    })
  }
)
