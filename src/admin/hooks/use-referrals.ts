import { keepPreviousData, useQueryClient, type UseMutationOptions } from "@tanstack/react-query"
import { defineKeyedQuery, defineQuery } from "./query-hook"
import { useMutationThen, useReplacingMutation } from "./use-replacing-mutation"
import { loyaltyKeys } from "./use-loyalty"
import {
  referralsApi,
  type AdminReferralProgramResponse,
  type AdminReferralResponse,
  type ReferralListQuery,
  type ReferralProgramUpdate,
} from "../lib/referrals-api"

/**
 * Query keys under the loyalty root: a decision invalidates every referral
 * list and customer view, and the ledgers of both customers (it may pay them).
 */
export const referralKeys = {
  all: [...loyaltyKeys.all, "referrals"] as const,
  program: () => [...referralKeys.all, "program"] as const,
  lists: () => [...referralKeys.all, "list"] as const,
  list: (query: ReferralListQuery) => [...referralKeys.lists(), query] as const,
  detail: (id: string) => [...referralKeys.all, "detail", id] as const,
  customers: () => [...referralKeys.all, "customer"] as const,
  customer: (customerId: string) => [...referralKeys.customers(), customerId] as const,
}

/** The referral program in force (and the store's currencies, for its minimum order amounts). */
export const useReferralProgram = defineQuery(referralKeys.program, () => referralsApi.retrieveProgram())

export const useUpdateReferralProgram = (
  options?: UseMutationOptions<AdminReferralProgramResponse, Error, ReferralProgramUpdate>
) =>
  // The response is the new program: no refetch needed.
  useReplacingMutation(referralKeys.program(), (body: ReferralProgramUpdate) => referralsApi.updateProgram(body), options)

/** One page of referrals, the previous page kept on screen while the next loads. */
export const useReferrals = defineKeyedQuery(referralKeys.list, (query: ReferralListQuery) => referralsApi.list(query), {
  placeholderData: keepPreviousData,
})

/** One referral, for the Review drawer (a route of its own, so it reads its referral by id). */
export const useReferral = defineKeyedQuery(referralKeys.detail, (id: string) => referralsApi.retrieve(id))

/** A customer's referrals, both ways, for the customer page. */
export const useCustomerReferrals = defineKeyedQuery(referralKeys.customer, (customerId: string) =>
  referralsApi.retrieveCustomerReferrals(customerId)
)

export type DecideReferralVariables = {
  id: string
  decision: "approve" | "reject"
  note: string
}

/** Approve or reject a referral; the referral, every referral view and both customers' ledgers are refreshed. */
export const useDecideReferral = (
  options?: UseMutationOptions<AdminReferralResponse, Error, DecideReferralVariables>
) => {
  const queryClient = useQueryClient()
  return useMutationThen(
    ({ id, decision, note }: DecideReferralVariables) => referralsApi.decide(id, decision, note),
    options,
    async (data) => {
      const { referrer, referee } = data.referral
      // The answer is the referral as it now is.
      queryClient.setQueryData(referralKeys.detail(data.referral.id), data)
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: referralKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: referralKeys.customers() }),
        // An approval may pay both sides at once.
        queryClient.invalidateQueries({ queryKey: loyaltyKeys.accounts(referrer.id) }),
        queryClient.invalidateQueries({ queryKey: loyaltyKeys.accounts(referee.id) }),
      ])
    }
  )
}
