import { keepPreviousData, useMutation, useQuery, useQueryClient, type UseMutationOptions } from "@tanstack/react-query"
import { useReplacingMutation } from "./use-replacing-mutation"
import { loyaltyKeys, type QueryOptions } from "./use-loyalty"
import {
  referralsApi,
  type AdminCustomerReferralsResponse,
  type AdminReferralProgramResponse,
  type AdminReferralResponse,
  type AdminReferralsResponse,
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

export const useReferralProgram = (
  options?: QueryOptions<AdminReferralProgramResponse, ReturnType<typeof referralKeys.program>>
) =>
  useQuery({
    queryKey: referralKeys.program(),
    queryFn: () => referralsApi.retrieveProgram(),
    ...options,
  })

export const useUpdateReferralProgram = (
  options?: UseMutationOptions<AdminReferralProgramResponse, Error, ReferralProgramUpdate>
) =>
  // The response is the new program: no refetch needed.
  useReplacingMutation(referralKeys.program(), (body: ReferralProgramUpdate) => referralsApi.updateProgram(body), options)

export const useReferrals = (
  query: ReferralListQuery,
  options?: QueryOptions<AdminReferralsResponse, ReturnType<typeof referralKeys.list>>
) =>
  useQuery({
    queryKey: referralKeys.list(query),
    queryFn: () => referralsApi.list(query),
    placeholderData: keepPreviousData,
    ...options,
  })

/** One referral, for the Review drawer (a route of its own, so it reads its referral by id). */
export const useReferral = (
  id: string,
  options?: QueryOptions<AdminReferralResponse, ReturnType<typeof referralKeys.detail>>
) =>
  useQuery({
    queryKey: referralKeys.detail(id),
    queryFn: () => referralsApi.retrieve(id),
    ...options,
  })

export const useCustomerReferrals = (
  customerId: string,
  options?: QueryOptions<AdminCustomerReferralsResponse, ReturnType<typeof referralKeys.customer>>
) =>
  useQuery({
    queryKey: referralKeys.customer(customerId),
    queryFn: () => referralsApi.retrieveCustomerReferrals(customerId),
    ...options,
  })

export type DecideReferralVariables = {
  id: string
  decision: "approve" | "reject"
  note: string
}

export const useDecideReferral = (
  options?: UseMutationOptions<AdminReferralResponse, Error, DecideReferralVariables>
) => {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, decision, note }: DecideReferralVariables) =>
      referralsApi.decide(id, decision, note),
    ...options,
    onSuccess: async (data, variables, context) => {
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
      options?.onSuccess?.(data, variables, context)
    },
  })
}
