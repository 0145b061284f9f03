import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationOptions,
} from "@tanstack/react-query"
import { useInvalidatingMutation, useMutationThen } from "./use-replacing-mutation"
import {
  loyaltyTiersApi,
  type AdminLoyaltyCustomerTierResponse,
  type LoyaltyTier,
  type LoyaltyTierBody,
  type LoyaltyTierOverrideBody,
  type LoyaltyTierSettings,
} from "../lib/loyalty-api"
import { loyaltyKeys } from "./use-loyalty"

/**
 * Query keys for tiers, under the plugin's `loyalty` root. Changing the tier
 * set invalidates `tiers()` (list, preview and every customer's tier view,
 * whose progress depends on the set); an override invalidates one customer.
 */
export const loyaltyTierKeys = {
  tiers: () => [...loyaltyKeys.all, "tiers"] as const,
  list: () => [...loyaltyTierKeys.tiers(), "list"] as const,
  preview: () => [...loyaltyTierKeys.tiers(), "preview"] as const,
  customer: (customerId: string) => [...loyaltyTierKeys.tiers(), "customer", customerId] as const,
  customerPage: (customerId: string, page: number) => [...loyaltyTierKeys.customer(customerId), page] as const,
  groups: () => [...loyaltyKeys.all, "customer-groups"] as const,
}

export const TIER_HISTORY_PAGE_SIZE = 10

export const useLoyaltyTiers = () =>
  useQuery({ queryKey: loyaltyTierKeys.list(), queryFn: () => loyaltyTiersApi.list() })

export const useLoyaltyTierPreview = () =>
  useQuery({ queryKey: loyaltyTierKeys.preview(), queryFn: () => loyaltyTiersApi.preview() })

/** Preview a proposed set of tiers without saving it. */
export const usePreviewProposedTiers = () =>
  useMutation({
    mutationFn: (tiers: (LoyaltyTierBody & { id?: string; rank?: number })[]) => loyaltyTiersApi.previewProposed(tiers),
  })

export const useCustomerGroupsForTiers = () =>
  useQuery({ queryKey: loyaltyTierKeys.groups(), queryFn: () => loyaltyTiersApi.customerGroups(), staleTime: 60_000 })

/** Every mutation of the tier set: refetch the list, the preview and customers' tier views. */
const useTierSetMutation = <TVariables, TData>(mutationFn: (variables: TVariables) => Promise<TData>) =>
  useInvalidatingMutation(loyaltyTierKeys.tiers(), mutationFn)

export const useCreateLoyaltyTier = () => useTierSetMutation((body: LoyaltyTierBody) => loyaltyTiersApi.create(body))

export const useUpdateLoyaltyTier = () =>
  useTierSetMutation(({ id, body }: { id: string; body: LoyaltyTierBody }) => loyaltyTiersApi.update(id, body))

export const useDeleteLoyaltyTier = () =>
  useTierSetMutation(({ id, moveTo }: { id: string; moveTo?: string }) => loyaltyTiersApi.remove(id, moveTo))

export const useReorderLoyaltyTiers = () =>
  useTierSetMutation((tiers: Pick<LoyaltyTier, "id">[]) => loyaltyTiersApi.reorder(tiers.map((tier) => tier.id)))

export const useUpdateLoyaltyTierSettings = () =>
  useTierSetMutation((body: Partial<LoyaltyTierSettings>) => loyaltyTiersApi.updateSettings(body))

/** One history page (0-based) of a customer's tier. */
export const useCustomerLoyaltyTier = (customerId: string, page: number) =>
  useQuery({
    queryKey: loyaltyTierKeys.customerPage(customerId, page),
    queryFn: () =>
      loyaltyTiersApi.retrieveCustomerTier(customerId, {
        limit: TIER_HISTORY_PAGE_SIZE,
        offset: page * TIER_HISTORY_PAGE_SIZE,
      }),
    placeholderData: keepPreviousData,
  })

/** Set a customer's override, or end it (with a reason for the history). */
type TierOverrideVariables = { action: "set"; body: LoyaltyTierOverrideBody } | { action: "end"; reason?: string }

/** Set or end a customer's override; only that customer's views (and the members counts) change. */
export const useCustomerTierOverride = (
  customerId: string,
  options?: UseMutationOptions<
    AdminLoyaltyCustomerTierResponse,
    Error,
    TierOverrideVariables
  >
) => {
  const queryClient = useQueryClient()
  return useMutationThen(
    (variables: TierOverrideVariables) =>
      variables.action === "set"
        ? loyaltyTiersApi.setOverride(customerId, variables.body)
        : loyaltyTiersApi.endOverride(customerId, variables.reason),
    options,
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: loyaltyTierKeys.customer(customerId) }),
        queryClient.invalidateQueries({ queryKey: loyaltyTierKeys.list() }),
        queryClient.invalidateQueries({ queryKey: loyaltyTierKeys.preview() }),
      ])
  )
}
