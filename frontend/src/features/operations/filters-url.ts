// Filters live in the URL so that a reload or a shared link keeps them.
import { ALL_STATUSES, type OperationStatus } from "@/lib/api-types";
import type { OperationFilters } from "./api";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromSearch(params: URLSearchParams): OperationFilters {
  const status = (params.get("status") ?? "")
    .split(",")
    .filter((s): s is OperationStatus => (ALL_STATUSES as readonly string[]).includes(s));
  const date = (key: string) => {
    const v = params.get(key);
    return v && DATE.test(v) ? v : null;
  };
  return {
    status,
    workflow: params.get("workflow") || null,
    from: date("from"),
    to: date("to"),
    owner: params.get("owner") || null,
  };
}

export function filtersToSearch(filters: OperationFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status.length > 0) params.set("status", filters.status.join(","));
  if (filters.workflow) params.set("workflow", filters.workflow);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.owner) params.set("owner", filters.owner);
  return params;
}
