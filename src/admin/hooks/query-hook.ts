import { useQuery, type UseQueryOptions } from "@tanstack/react-query"

/** A query hook's options: react-query's, but for the key and the fetch the hook sets. */
export type QueryOptions<TData, TKey extends readonly unknown[]> = Omit<
  UseQueryOptions<TData, Error, TData, TKey>,
  "queryKey" | "queryFn"
>

/**
 * The query hook of a fetch without arguments (a program, a whole catalog):
 * its key, its fetch, and the caller's options on top.
 */
export const defineQuery =
  <TData, TKey extends readonly unknown[]>(key: () => TKey, fetch: () => Promise<TData>) =>
  (options?: QueryOptions<TData, TKey>) =>
    useQuery({ queryKey: key(), queryFn: fetch, ...options })

/**
 * The query hook of a fetch of one thing (an id, a list's filters): the key
 * and the fetch both come from the argument; `defaults` (keeping the previous
 * page while the next loads, say) go under the caller's options.
 */
export const defineKeyedQuery =
  <TArg, TData, TKey extends readonly unknown[]>(
    key: (arg: TArg) => TKey,
    fetch: (arg: TArg) => Promise<TData>,
    defaults?: QueryOptions<TData, TKey>
  ) =>
  (arg: TArg, options?: QueryOptions<TData, TKey>) =>
    useQuery({ queryKey: key(arg), queryFn: () => fetch(arg), ...defaults, ...options })
