import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import {
  adminOperationsQueue,
  adminUsersCreate,
  adminUsersList,
  adminUsersUpdate,
  adminWorkersDeregister,
  adminWorkersDrain,
  adminWorkersList,
  adminWorkersResume,
  healthReady,
} from "@/client/api";
import { ApiError, toApiError } from "@/lib/problem";

export const queueQuery = queryOptions({
  queryKey: ["admin", "queue"],
  queryFn: async ({ signal }) => {
    const { data } = await adminOperationsQueue({ signal, throwOnError: true });
    return data;
  },
});

export type Readiness = { ready: boolean; checks: Record<string, boolean> };

function checksOf(body: unknown): Record<string, boolean> {
  if (typeof body !== "object" || body === null || !("checks" in body)) return {};
  const checks = (body as { checks: unknown }).checks;
  if (typeof checks !== "object" || checks === null) return {};
  return Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v === true || v === "ok"]));
}

export const readinessQuery = queryOptions({
  queryKey: ["health", "ready"],
  queryFn: async ({ signal }): Promise<Readiness> => {
    // 503 is an answer here ("not ready"), not a failure of the request.
    const result = await healthReady({ signal, throwOnError: false });
    if (result.response?.ok) {
      return { ready: true, checks: checksOf(result.data) };
    }
    if (result.response?.status === 503) {
      return {
        ready: false,
        checks: checksOf(result.error instanceof ApiError ? result.error.problem : null),
      };
    }
    throw result.error instanceof ApiError ? result.error : toApiError(result.error, result.response);
  },
  // Health has no stream: check it every 30 s while the admin page is open.
  refetchInterval: 30_000,
});

export const usersQuery = queryOptions({
  queryKey: ["admin", "users"],
  queryFn: async ({ signal }) => {
    const { data } = await adminUsersList({ signal, throwOnError: true });
    return data;
  },
});

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { username: string; password: string; role: "user" | "admin" }) => {
      const { data } = await adminUsersCreate({ body, throwOnError: true });
      return data;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { id: string; disabled?: boolean; role?: "user" | "admin" }) => {
      const { id, ...body } = input;
      const { data } = await adminUsersUpdate({ path: { user_id: id }, body, throwOnError: true });
      return data;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
}

/** The worker registry. Workers report by heartbeat (every UNDERWAY_HEARTBEAT_S, 5 s by default) and
 * have no stream of their own: the panel polls at that pace while it is open. */
export const WORKERS_REFRESH_MS = 5000;

export const workersQuery = queryOptions({
  queryKey: ["admin", "workers"],
  queryFn: async ({ signal }) => {
    const { data } = await adminWorkersList({ signal, throwOnError: true });
    return data;
  },
  refetchInterval: WORKERS_REFRESH_MS,
});

export type WorkerAction = "drain" | "resume" | "deregister";

export function useWorkerAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: WorkerAction }) => {
      const path = { worker_id: id };
      if (action === "drain") await adminWorkersDrain({ path, throwOnError: true });
      else if (action === "resume") await adminWorkersResume({ path, throwOnError: true });
      else await adminWorkersDeregister({ path, throwOnError: true });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: workersQuery.queryKey }),
  });
}
