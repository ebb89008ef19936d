import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { adminOperationsQueueHistory, statsThroughput, statsWorkflows } from "@/client/api";
import type { ChartWindow } from "./chart-data";

/** Charts refresh on their own at this pace while they are on screen (aggregates have no stream),
 * and at once when the admin stream sees an operation finish (see AdminOperations). */
export const CHARTS_REFRESH_MS = 10_000;

const live = { refetchInterval: CHARTS_REFRESH_MS, placeholderData: keepPreviousData } as const;

export const activityKeys = { all: ["activity"] as const };

export function throughputQuery(window: ChartWindow) {
  return queryOptions({
    queryKey: ["activity", "throughput", window],
    queryFn: async ({ signal }) =>
      (await statsThroughput({ query: { window }, signal, throwOnError: true })).data,
    ...live,
  });
}

export function workflowsActivityQuery(window: ChartWindow) {
  return queryOptions({
    queryKey: ["activity", "workflows", window],
    queryFn: async ({ signal }) =>
      (await statsWorkflows({ query: { window }, signal, throwOnError: true })).data,
    ...live,
  });
}

export function queueHistoryQuery(window: ChartWindow) {
  return queryOptions({
    queryKey: ["activity", "queue", window],
    queryFn: async ({ signal }) =>
      (await adminOperationsQueueHistory({ query: { window }, signal, throwOnError: true })).data,
    ...live,
  });
}
