import { queryOptions } from "@tanstack/react-query";
import { workflowsGet, workflowsList } from "@/client/api";

// Workflow definitions change only with a deploy: cache them for the session.
const WORKFLOW_STALE_MS = 5 * 60_000;

export const workflowsQuery = queryOptions({
  queryKey: ["workflows"],
  queryFn: async ({ signal }) => {
    const { data } = await workflowsList({ signal, throwOnError: true });
    return data;
  },
  staleTime: WORKFLOW_STALE_MS,
});

export function workflowQuery(name: string) {
  return queryOptions({
    queryKey: ["workflows", name],
    queryFn: async ({ signal }) => {
      const { data } = await workflowsGet({ path: { name }, signal, throwOnError: true });
      return data;
    },
    staleTime: WORKFLOW_STALE_MS,
  });
}
