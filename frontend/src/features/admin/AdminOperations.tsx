import { Button, Group, Paper, Text, Title } from "@mantine/core";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageLoader } from "@/components/PageLoader";
import { type OperationFilters, operationKeys, operationsListQuery } from "@/features/operations/api";
import { ConnectionIndicator } from "@/features/operations/ConnectionIndicator";
import { filtersFromSearch, filtersToSearch } from "@/features/operations/filters-url";
import { applyRowEvent, type LiveRows, withLive } from "@/features/operations/live-rows";
import { OperationFiltersBar } from "@/features/operations/OperationFiltersBar";
import { OperationsTable } from "@/features/operations/OperationsTable";
import type { OperationEvent } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";
import { queueQuery } from "./api";
import { useAdminStream } from "./use-admin-stream";

/** Coalesces bursts of stream events into one refetch per second at most. */
function useDebounced(fn: () => void, ms: number) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}

export function AdminOperations() {
  const queryClient = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const setFilters = useCallback(
    (next: OperationFilters) => setSearch(filtersToSearch(next), { replace: true }),
    [setSearch],
  );
  const listQuery = operationsListQuery("all", filters);
  const query = useInfiniteQuery({ ...listQuery, refetchOnWindowFocus: false });
  const operations = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const [live, setLive] = useState<LiveRows>(new Map());

  const refreshQueue = useDebounced(
    () => queryClient.invalidateQueries({ queryKey: queueQuery.queryKey }),
    1000,
  );
  // A new operation is not in the loaded pages: reload the first page to show it (at most once a second).
  const refreshList = useDebounced(
    () => queryClient.invalidateQueries({ queryKey: listQuery.queryKey }),
    1000,
  );
  const known = useMemo(() => new Set(operations.map((o) => o.id)), [operations]);

  const onEvent = (event: OperationEvent) => {
    setLive((prev) => applyRowEvent(prev, event));
    if (event.type === "status") {
      refreshQueue();
      if (!known.has(event.operation_id) && event.status === "queued") refreshList();
      if (isTerminal(event.status)) {
        void queryClient.invalidateQueries({ queryKey: operationKeys.detail(event.operation_id) });
      }
    }
  };
  const connection = useAdminStream(onEvent, () => {
    void query.refetch();
    refreshQueue();
  });

  const rows = useMemo(() => operations.map((op) => withLive(op, live)), [operations, live]);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="all-ops-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="all-ops-title">
          All operations
        </Title>
        <ConnectionIndicator state={connection} />
      </Group>
      <OperationFiltersBar value={filters} onChange={setFilters} withOwner />
      {query.isPending && <PageLoader label="Loading operations" />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.isSuccess && rows.length === 0 && <Text c="dimmed">No operations match these filters.</Text>}
      {rows.length > 0 && <OperationsTable operations={rows} caption="All operations" withOwner withCancel />}
      {query.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </Paper>
  );
}
