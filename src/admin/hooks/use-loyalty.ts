import { keepPreviousData, useQuery, type UseMutationOptions } from "@tanstack/react-query"
import { defineKeyedQuery, defineQuery, type QueryOptions } from "./query-hook"
import { useInvalidatingMutation, useReplacingMutation } from "./use-replacing-mutation"
import {
  LOYALTY_LEDGER_PAGE_SIZE,
  loyaltyApi,
  type AdminLoyaltyAccountResponse,
  type AdminLoyaltyAdjustmentBody,
  type AdminLoyaltyAdjustmentResponse,
  type AdminLoyaltyProgramResponse,
  type AdminLoyaltyRewardDeleteResponse,
  type AdminLoyaltyRewardResponse,
  type LoyaltyProgramUpdate,
  type LoyaltyRewardBody,
} from "../lib/loyalty-api"

/**
 * Query keys, from broad to narrow, so a mutation can invalidate exactly what
 * it changed: `accounts(customerId)` covers every ledger page of one customer.
 */
export const loyaltyKeys = {
  all: ["loyalty"] as const,
  program: () => [...loyaltyKeys.all, "program"] as const,
  accounts: (customerId: string) =>
    [...loyaltyKeys.all, "account", customerId] as const,
  account: (customerId: string, page: number) =>
    [...loyaltyKeys.accounts(customerId), page] as const,
  orders: () => [...loyaltyKeys.all, "order"] as const,
  order: (orderId: string) => [...loyaltyKeys.orders(), orderId] as const,
  rewards: () => [...loyaltyKeys.all, "rewards"] as const,
}

export const useLoyaltyProgram = defineQuery(loyaltyKeys.program, () => loyaltyApi.retrieveProgram())

export const useUpdateLoyaltyProgram = (
  options?: UseMutationOptions<
    AdminLoyaltyProgramResponse,
    Error,
    LoyaltyProgramUpdate
  >
) =>
  // The response is the new program: no refetch needed.
  useReplacingMutation(loyaltyKeys.program(), (body: LoyaltyProgramUpdate) => loyaltyApi.updateProgram(body), options)

/** One ledger page (0-based) of a customer's account. */
export const useLoyaltyAccount = (
  customerId: string,
  page: number,
  options?: QueryOptions<
    AdminLoyaltyAccountResponse,
    ReturnType<typeof loyaltyKeys.account>
  >
) =>
  useQuery({
    queryKey: loyaltyKeys.account(customerId, page),
    queryFn: () =>
      loyaltyApi.retrieveAccount(customerId, {
        limit: LOYALTY_LEDGER_PAGE_SIZE,
        offset: page * LOYALTY_LEDGER_PAGE_SIZE,
      }),
    placeholderData: keepPreviousData,
    ...options,
  })

export const useAdjustLoyaltyPoints = (
  customerId: string,
  options?: UseMutationOptions<
    AdminLoyaltyAdjustmentResponse,
    Error,
    AdminLoyaltyAdjustmentBody
  >
) =>
  // Every ledger page of this customer shifts by one entry; nothing else
  // (program, orders, other customers) changes.
  useInvalidatingMutation(
    loyaltyKeys.accounts(customerId),
    (body: AdminLoyaltyAdjustmentBody) => loyaltyApi.adjustPoints(customerId, body),
    options
  )

/** The points of one order, for the order page's widget. */
export const useLoyaltyOrderPoints = defineKeyedQuery(loyaltyKeys.order, (orderId: string) =>
  loyaltyApi.retrieveOrderPoints(orderId)
)

/** The rewards catalog (every reward, newest first, with coupons issued). */
export const useLoyaltyRewards = defineQuery(loyaltyKeys.rewards, () => loyaltyApi.rewards.list())

/**
 * Create, update and delete change only the catalog list (the mutation
 * responses lack `coupons_issued`, so the list is refetched, not patched).
 */
const useRewardMutation = <TData, TVariables>(
  mutationFn: (variables: TVariables) => Promise<TData>,
  options?: UseMutationOptions<TData, Error, TVariables>
) => useInvalidatingMutation(loyaltyKeys.rewards(), mutationFn, options)

export const useCreateLoyaltyReward = (
  options?: UseMutationOptions<
    AdminLoyaltyRewardResponse,
    Error,
    LoyaltyRewardBody
  >
) =>
  useRewardMutation(
    (body: LoyaltyRewardBody) => loyaltyApi.rewards.create(body),
    options
  )

export const useUpdateLoyaltyReward = (
  id: string,
  options?: UseMutationOptions<
    AdminLoyaltyRewardResponse,
    Error,
    Partial<LoyaltyRewardBody>
  >
) =>
  useRewardMutation(
    (body: Partial<LoyaltyRewardBody>) => loyaltyApi.rewards.update(id, body),
    options
  )

export const useDeleteLoyaltyReward = (
  options?: UseMutationOptions<AdminLoyaltyRewardDeleteResponse, Error, string>
) =>
  useRewardMutation((id: string) => loyaltyApi.rewards.remove(id), options)
