import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query"
import {
  campaignsApi,
  type CampaignScheduleBody,
  type EarningRuleBody,
  type LoyaltyCampaignBody,
} from "../lib/campaigns-api"
import { useInvalidatingMutation } from "./use-replacing-mutation"

/** Query keys: every campaign query sits under `all`, so a save invalidates the list. */
export const campaignKeys = {
  all: ["loyalty", "campaigns"] as const,
  list: () => [...campaignKeys.all, "list"] as const,
  preview: (body: CampaignScheduleBody) => [...campaignKeys.all, "preview", body] as const,
  rules: () => [...campaignKeys.all, "earning-rules"] as const,
}

export const useLoyaltyCampaigns = () => useQuery({ queryKey: campaignKeys.list(), queryFn: () => campaignsApi.list() })

/** The next occurrences of a schedule being edited (nothing saved); a bad schedule is the query's error. */
export const useCampaignPreview = (body: CampaignScheduleBody, enabled: boolean) =>
  useQuery({
    queryKey: campaignKeys.preview(body),
    queryFn: () => campaignsApi.preview(body),
    enabled,
    retry: false,
    placeholderData: keepPreviousData,
  })

export const useSaveLoyaltyCampaign = () =>
  useInvalidatingMutation(campaignKeys.list(), ({ id, body }: { id: string | null; body: LoyaltyCampaignBody }) =>
    id ? campaignsApi.update(id, body) : campaignsApi.create(body)
  )

export const useDeleteLoyaltyCampaign = () => useInvalidatingMutation(campaignKeys.list(), (id: string) => campaignsApi.remove(id))

export const useEarningRules = () => useQuery({ queryKey: campaignKeys.rules(), queryFn: () => campaignsApi.listRules() })

export const useSaveEarningRule = () =>
  useInvalidatingMutation(campaignKeys.rules(), (body: EarningRuleBody) => campaignsApi.saveRule(body))

export const useDeleteEarningRule = () => useInvalidatingMutation(campaignKeys.rules(), (id: string) => campaignsApi.removeRule(id))

/** The cost of the campaign being edited on last month's orders (asked on demand; nothing saved). */
export const useCampaignCost = () => useMutation({ mutationFn: (body: LoyaltyCampaignBody) => campaignsApi.cost(body) })
