import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationOptions,
  type UseQueryOptions,
} from "@tanstack/react-query"
import {
  LOYALTY_LEDGER_PAGE_SIZE,
  loyaltyApi,
  type AdminLoyaltyAccountResponse,
  type AdminLoyaltyAdjustmentBody,
  type AdminLoyaltyAdjustmentResponse,
  type AdminLoyaltyOrderResponse,
  type AdminLoyaltyProgramResponse,
  type LoyaltyProgramUpdate,
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
}

type QueryOptions<TData, TKey extends readonly unknown[]> = Omit<
  UseQueryOptions<TData, Error, TData, TKey>,
  "queryKey" | "queryFn"
>

export const useLoyaltyProgram = (
  options?: QueryOptions<
    AdminLoyaltyProgramResponse,
    ReturnType<typeof loyaltyKeys.program>
  >
) =>
  useQuery({
    queryKey: loyaltyKeys.program(),
    queryFn: () => loyaltyApi.retrieveProgram(),
    ...options,
  })

export const useUpdateLoyaltyProgram = (
  options?: UseMutationOptions<
    AdminLoyaltyProgramResponse,
    Error,
    LoyaltyProgramUpdate
  >
) => {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: LoyaltyProgramUpdate) => loyaltyApi.updateProgram(body),
    ...options,
    onSuccess: (data, variables, context) => {
      // The response is the new program: no refetch needed.
      queryClient.setQueryData(loyaltyKeys.program(), data)
      options?.onSuccess?.(data, variables, context)
    },
  })
}

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
) => {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: AdminLoyaltyAdjustmentBody) =>
      loyaltyApi.adjustPoints(customerId, body),
    ...options,
    onSuccess: async (data, variables, context) => {
      // Every ledger page of this customer shifts by one entry; nothing else
      // (program, orders, other customers) changes.
      await queryClient.invalidateQueries({
        queryKey: loyaltyKeys.accounts(customerId),
      })
      options?.onSuccess?.(data, variables, context)
    },
  })
}

export const useLoyaltyOrderPoints = (
  orderId: string,
  options?: QueryOptions<
    AdminLoyaltyOrderResponse,
    ReturnType<typeof loyaltyKeys.order>
  >
) =>
  useQuery({
    queryKey: loyaltyKeys.order(orderId),
    queryFn: () => loyaltyApi.retrieveOrderPoints(orderId),
    ...options,
  })
