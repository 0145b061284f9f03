/**
 * A server type as its route's JSON carries it: `res.json` writes every
 * `Date` as an ISO string, the rest as is. Lets a wire type reuse the type
 * of the module or workflow that produced it instead of a hand-kept copy.
 */
export type Wire<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Wire<T[K]> } : T
