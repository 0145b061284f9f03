import { keepPreviousData, useQuery } from "@tanstack/react-query"
import { liabilityApi } from "../lib/liability-api"

export const liabilityKeys = {
  all: ["loyalty", "liability"] as const,
  report: (months: number, windowMonths: number) => [...liabilityKeys.all, months, windowMonths] as const,
}

/** The liability report for `months` months of movement and a `windowMonths` breakage window. */
export const useLiability = (months: number, windowMonths: number) =>
  useQuery({
    queryKey: liabilityKeys.report(months, windowMonths),
    queryFn: () => liabilityApi.report({ months, window_months: windowMonths }),
    placeholderData: keepPreviousData,
  })
