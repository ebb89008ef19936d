import { queryOptions } from "@tanstack/react-query";
import { statsGet } from "@/client/api";

export const statsQuery = queryOptions({
  queryKey: ["stats"],
  queryFn: async ({ signal }) => {
    const { data } = await statsGet({ signal, throwOnError: true });
    return data;
  },
  // Aggregates have no stream; a 30 s refresh keeps the counters honest at a negligible cost.
  refetchInterval: 30_000,
  refetchOnWindowFocus: true,
});
