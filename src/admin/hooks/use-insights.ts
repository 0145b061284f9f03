import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { insightsApi, type CustomerFilter } from "../lib/insights-api"

/** Query keys: a finished recompute invalidates everything under `all`. */
export const insightKeys = {
  all: ["loyalty", "insights"] as const,
  runs: () => [...insightKeys.all, "runs"] as const,
  run: (id: string) => [...insightKeys.all, "run", id] as const,
  kpis: () => [...insightKeys.all, "kpis"] as const,
  segments: () => [...insightKeys.all, "segments"] as const,
  customers: (filter: CustomerFilter, page: number) => [...insightKeys.all, "customers", filter, page] as const,
  customer: (customerId: string) => [...insightKeys.all, "customer", customerId] as const,
}

export const useInsightRuns = () =>
  useQuery({ queryKey: insightKeys.runs(), queryFn: () => insightsApi.latestRuns() })

/** Polls a running recompute every second until it ends, then refreshes every insight query. */
export const useInsightRun = (runId: string | null) => {
  const queryClient = useQueryClient()
  return useQuery({
    queryKey: insightKeys.run(runId ?? "none"),
    queryFn: async () => {
      const { run } = await insightsApi.retrieveRun(runId!)
      if (run.status !== "running") {
        await queryClient.invalidateQueries({ queryKey: insightKeys.all, refetchType: "active" })
      }
      return run
    },
    enabled: !!runId,
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 1000 : false),
  })
}

export const useRecomputeInsights = () =>
  useMutation({ mutationFn: () => insightsApi.recompute() })

export const useInsightKpis = () => useQuery({ queryKey: insightKeys.kpis(), queryFn: () => insightsApi.kpis() })

export const useInsightSegments = () =>
  useQuery({ queryKey: insightKeys.segments(), queryFn: () => insightsApi.segments() })

export const INSIGHT_PAGE_SIZE = 20

export const useInsightCustomers = (filter: CustomerFilter, page: number) =>
  useQuery({
    queryKey: insightKeys.customers(filter, page),
    queryFn: () => insightsApi.customers(filter, { limit: INSIGHT_PAGE_SIZE, offset: page * INSIGHT_PAGE_SIZE }),
    placeholderData: keepPreviousData,
  })

export const useCustomerInsight = (customerId: string) =>
  useQuery({ queryKey: insightKeys.customer(customerId), queryFn: () => insightsApi.customer(customerId) })
