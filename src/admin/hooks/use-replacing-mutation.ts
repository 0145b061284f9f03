import { useMutation, useQueryClient, type QueryKey, type UseMutationOptions } from "@tanstack/react-query"

/**
 * A mutation whose `onSuccess` first brings the cache up to date (`refresh`),
 * then runs the caller's own `onSuccess`, so the caller sees fresh data.
 */
export function useMutationThen<TData, TVariables>(
  mutationFn: (variables: TVariables) => Promise<TData>,
  options: UseMutationOptions<TData, Error, TVariables> | undefined,
  refresh: (data: TData) => unknown
) {
  return useMutation({
    mutationFn,
    ...options,
    onSuccess: async (data, variables, context) => {
      await refresh(data)
      options?.onSuccess?.(data, variables, context)
    },
  })
}

/**
 * A mutation whose response is the new state of one query (a saved program
 * version, say): the response goes into that query's cache, so nothing is
 * refetched.
 */
export function useReplacingMutation<TData, TVariables>(
  queryKey: QueryKey,
  mutationFn: (variables: TVariables) => Promise<TData>,
  options?: UseMutationOptions<TData, Error, TVariables>
) {
  const queryClient = useQueryClient()
  return useMutationThen(mutationFn, options, (data) => queryClient.setQueryData(queryKey, data))
}

/**
 * A mutation after which one query (and every query under its key) is
 * refetched: for responses that are not the query's new state (a list row
 * without its counts, a deletion). The refetch finishes before `onSuccess`.
 */
export function useInvalidatingMutation<TData, TVariables>(
  queryKey: QueryKey,
  mutationFn: (variables: TVariables) => Promise<TData>,
  options?: UseMutationOptions<TData, Error, TVariables>
) {
  const queryClient = useQueryClient()
  return useMutationThen(mutationFn, options, () => queryClient.invalidateQueries({ queryKey }))
}
