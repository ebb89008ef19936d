import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { adminOperationsQueueHistory, statsThroughput, statsWorkflows } from "@/client/api";
import type { ChartWindow } from "./chart-data";

/** Charts refresh on their own at this pace while they are on screen (aggregates have no stream),
 * and at once when the admin stream sees an operation finish (see AdminOperations). */
export const CHARTS_REFRESH_MS = 10_000;

export const activityKeys = { all: ["activity"] as const };

function activityQuery<T>(name: string, window: ChartWindow, read: (signal: AbortSignal) => Promise<T>) {
  return queryOptions({
    queryKey: [...activityKeys.all, name, window],
    queryFn: ({ signal }) => read(signal),
    refetchInterval: CHARTS_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

export const throughputQuery = (window: ChartWindow) =>
  activityQuery("throughput", window, async (signal) => {
    return (await statsThroughput({ query: { window }, signal, throwOnError: true })).data;
  });

export const workflowsActivityQuery = (window: ChartWindow) =>
  activityQuery("workflows", window, async (signal) => {
    return (await statsWorkflows({ query: { window }, signal, throwOnError: true })).data;
  });

export const queueHistoryQuery = (window: ChartWindow) =>
  activityQuery("queue", window, async (signal) => {
    return (await adminOperationsQueueHistory({ query: { window }, signal, throwOnError: true })).data;
  });
