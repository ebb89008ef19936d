// Server state for operations: queries and mutations over the generated client.
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import {
  adminOperationsExport,
  adminOperationsList,
  operationsArtifact,
  operationsCancel,
  operationsEvents,
  operationsExport,
  operationsGet,
  operationsList,
  operationsSubmit,
} from "@/client/api";
import type { Operation, OperationEvent, OperationStatus, Priority } from "@/lib/api-types";
import { saveBlob } from "@/lib/download";

export interface OperationFilters {
  status: OperationStatus[];
  workflow: string | null;
  /** yyyy-mm-dd, inclusive, local time. */
  from: string | null;
  to: string | null;
  owner?: string | null;
}

export const emptyFilters: OperationFilters = {
  status: [],
  workflow: null,
  from: null,
  to: null,
  owner: null,
};

export const PAGE_SIZE = 25;
/** How often a queued operation's page re-reads why it waits (blocked_reason). */
export const QUEUED_REFRESH_MS = 5000;

export const operationKeys = {
  all: ["operations"] as const,
  list: (scope: ListScope, filters: OperationFilters) => ["operations", "list", scope, filters] as const,
  detail: (id: string) => ["operations", "detail", id] as const,
  eventsAfter: (id: string, afterSeq: number | null) => ["operations", "events", id, afterSeq] as const,
};

/** Turns the date filters into the API's datetime bounds (whole local days). */
export function toListQuery(filters: OperationFilters) {
  const created_after = filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined;
  const created_before = filters.to ? new Date(`${filters.to}T23:59:59.999`).toISOString() : undefined;
  return {
    status: filters.status.length > 0 ? filters.status : undefined,
    workflow: filters.workflow || undefined,
    created_after,
    created_before,
    limit: PAGE_SIZE,
  };
}

/** "mine": the user's own operations; "all": every user's (admins only). */
export type ListScope = "mine" | "all";

export function operationsListQuery(scope: ListScope, filters: OperationFilters) {
  return infiniteQueryOptions({
    queryKey: operationKeys.list(scope, filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) => {
      const query = { ...toListQuery(filters), cursor: pageParam ?? undefined };
      if (scope === "all") {
        const { data } = await adminOperationsList({
          query: { ...query, owner: filters.owner || undefined },
          signal,
          throwOnError: true,
        });
        return data;
      }
      const { data } = await operationsList({ query, signal, throwOnError: true });
      return data;
    },
    getNextPageParam: (page) => page.next_cursor ?? null,
    // No polling: active rows are updated by their streams. Refetching when the tab regains focus is
    // the one modest refresh, so operations started elsewhere (another tab, the CLI) show up.
    refetchOnWindowFocus: true,
  });
}

export function operationQuery(id: string) {
  return queryOptions({
    queryKey: operationKeys.detail(id),
    queryFn: async ({ signal }) => {
      const { data } = await operationsGet({
        path: { operation_id: id },
        signal,
        throwOnError: true,
      });
      return data;
    },
    staleTime: 0,
    // Whether a worker can start a queued operation changes without an event (a worker drained,
    // resumed or gone): look again while it waits. It stops once the answer is no longer queued.
    refetchInterval: (query) => (query.state.data?.status === "queued" ? QUEUED_REFRESH_MS : false),
  });
}

/** The server's largest page of events. */
export const EVENTS_PAGE = 1000;

/** Every event after `afterSeq`, following pages until a short one. */
export async function fetchEventsAfter(id: string, afterSeq: number, signal?: AbortSignal) {
  const all: OperationEvent[] = [];
  let cursor = afterSeq;
  for (let page = 0; page < 10_000; page += 1) {
    const { data } = await operationsEvents({
      path: { operation_id: id },
      query: { after_seq: cursor, limit: EVENTS_PAGE },
      signal,
      throwOnError: true,
    });
    all.push(...data);
    const last = data[data.length - 1];
    if (data.length < EVENTS_PAGE || !last || last.seq <= cursor) break;
    cursor = last.seq;
  }
  return all;
}

export interface SubmitInput {
  workflow: string;
  params: Record<string, unknown>;
  priority: Priority;
  timeout_s: number | null;
  idempotencyKey: string;
}

export function useSubmitOperation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: SubmitInput) => {
      const { data } = await operationsSubmit({
        body: {
          workflow: input.workflow,
          params: input.params,
          priority: input.priority,
          ...(input.timeout_s !== null ? { timeout_s: input.timeout_s } : {}),
        },
        headers: { "Idempotency-Key": input.idempotencyKey },
        throwOnError: true,
      });
      return data;
    },
    onSuccess: (op) => {
      queryClient.setQueryData(operationKeys.detail(op.id), op);
      void queryClient.invalidateQueries({ queryKey: operationKeys.all, refetchType: "none" });
      void queryClient.invalidateQueries({ queryKey: ["stats"] });
    },
  });
}

export function useCancelOperation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { data } = await operationsCancel({ path: { operation_id: id }, throwOnError: true });
      return data;
    },
    onSuccess: (op: Operation) => {
      queryClient.setQueryData(operationKeys.detail(op.id), op);
      void queryClient.invalidateQueries({ queryKey: operationKeys.all, refetchType: "none" });
      // The dashboard's figures change too (active -> finished); without this they stay cached.
      void queryClient.invalidateQueries({ queryKey: ["stats"] });
    },
  });
}

export async function downloadArtifact(operationId: string, name: string): Promise<void> {
  const { data } = await operationsArtifact({
    path: { operation_id: operationId, name },
    parseAs: "blob",
    throwOnError: true,
  });
  saveBlob(data as Blob, name);
}

/** The file name the server gave (Content-Disposition), else ``fallback``. */
export function attachmentName(disposition: string | null, fallback: string): string {
  const match = disposition?.match(/filename="([^"]+)"/);
  return match?.[1] ?? fallback;
}

/** Downloads the listing as CSV with the same filters (every matching operation, not one page). */
export async function exportOperationsCsv(scope: ListScope, filters: OperationFilters): Promise<void> {
  const { limit: _pageSize, ...query } = toListQuery(filters);
  const { data, response } =
    scope === "all"
      ? await adminOperationsExport({
          query: { ...query, owner: filters.owner || undefined },
          parseAs: "blob",
          throwOnError: true,
        })
      : await operationsExport({ query, parseAs: "blob", throwOnError: true });
  saveBlob(data as Blob, attachmentName(response.headers.get("Content-Disposition"), "operations.csv"));
}
