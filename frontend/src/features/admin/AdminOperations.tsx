import { Button, Group, Paper, Text, Title } from "@mantine/core";
import { useThrottledCallback } from "@mantine/hooks";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageLoader } from "@/components/PageLoader";
import { activityKeys } from "@/features/activity/api";
import { type OperationFilters, operationKeys, operationsListQuery } from "@/features/operations/api";
import { ConnectionIndicator } from "@/features/operations/ConnectionIndicator";
import { ExportCsvButton } from "@/features/operations/ExportCsvButton";
import { filtersFromSearch, filtersToSearch } from "@/features/operations/filters-url";
import { applyRowEvent, type LiveRows, withLive } from "@/features/operations/live-rows";
import { useLiveStream } from "@/features/operations/live-stream";
import { OperationFiltersBar } from "@/features/operations/OperationFiltersBar";
import { OperationsTable } from "@/features/operations/OperationsTable";
import { isTerminal } from "@/lib/api-types";
import { queueQuery } from "./api";

/** Bursts of stream events cause one refetch a second at most. */
const REFRESH_EVERY_MS = 1000;

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

  const refreshQueue = useThrottledCallback(
    () => queryClient.invalidateQueries({ queryKey: queueQuery.queryKey }),
    REFRESH_EVERY_MS,
  );
  // An operation finished: the charts count it now rather than at their next refresh.
  const refreshCharts = useThrottledCallback(
    () => queryClient.invalidateQueries({ queryKey: activityKeys.all }),
    REFRESH_EVERY_MS,
  );
  // A new operation is not in the loaded pages: reload the first page to show it.
  const refreshList = useThrottledCallback(
    () => queryClient.invalidateQueries({ queryKey: listQuery.queryKey }),
    REFRESH_EVERY_MS,
  );
  const known = useMemo(() => new Set(operations.map((o) => o.id)), [operations]);

  const connection = useLiveStream({
    path: "/api/v1/admin/stream",
    onMessage: (message) => {
      if (message.type !== "event") return;
      const { event } = message;
      setLive((prev) => applyRowEvent(prev, event));
      if (event.type !== "status") return;
      refreshQueue();
      if (!known.has(event.operation_id) && event.status === "queued") refreshList();
      if (isTerminal(event.status)) {
        void queryClient.invalidateQueries({ queryKey: operationKeys.detail(event.operation_id) });
        refreshCharts();
      }
    },
    onState: (state) => {
      // This stream cannot resume from a seq, nor replay what happened before it was subscribed
      // (the first time too: the list may have loaded before): reload what it may have missed.
      if (state !== "open") return;
      void query.refetch();
      refreshQueue();
    },
    // The admin stream never ends on its own: a normal close is a server restart.
    reconnectAfterNormalClose: () => true,
  });

  const rows = useMemo(() => operations.map((op) => withLive(op, live)), [operations, live]);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="all-ops-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="all-ops-title">
          All operations
        </Title>
        <Group gap="sm">
          <ConnectionIndicator connection={connection} />
          <ExportCsvButton scope="all" filters={filters} />
        </Group>
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
