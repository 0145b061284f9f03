import { useMutation, useQueryClient, type QueryKey, type UseMutationOptions } from "@tanstack/react-query"

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
  return useMutation({
    mutationFn,
    ...options,
    onSuccess: (data, variables, context) => {
      queryClient.setQueryData(queryKey, data)
      options?.onSuccess?.(data, variables, context)
    },
  })
}
