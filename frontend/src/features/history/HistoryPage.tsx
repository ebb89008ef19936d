import { Button, Group, Text } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { PageLoader } from "@/components/PageLoader";
import { type OperationFilters, operationsListQuery } from "@/features/operations/api";
import { ExportCsvButton } from "@/features/operations/ExportCsvButton";
import { filtersFromSearch, filtersToSearch } from "@/features/operations/filters-url";
import { withLive } from "@/features/operations/live-rows";
import { OperationFiltersBar } from "@/features/operations/OperationFiltersBar";
import { OperationsTable } from "@/features/operations/OperationsTable";
import { useLiveRows } from "@/features/operations/use-live-rows";

export function HistoryPage() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => ({ ...filtersFromSearch(search), owner: null }), [search]);
  const setFilters = useCallback(
    (next: OperationFilters) => setSearch(filtersToSearch({ ...next, owner: null }), { replace: true }),
    [setSearch],
  );
  const query = useInfiniteQuery(operationsListQuery("mine", filters));
  const operations = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const live = useLiveRows(operations);
  const rows = useMemo(() => operations.map((op) => withLive(op, live)), [operations, live]);

  return (
    <>
      <PageHeader
        title="History"
        description="Your operations, newest first. Running ones update live."
        actions={
          <>
            <ExportCsvButton scope="mine" filters={filters} />
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              onClick={() => query.refetch()}
              loading={query.isRefetching && !query.isFetchingNextPage}
            >
              Refresh
            </Button>
          </>
        }
      />
      <OperationFiltersBar value={filters} onChange={setFilters} />
      {query.isPending && <PageLoader label="Loading operations" />}
      {query.isError && (
        <ErrorState
          error={query.error}
          title="Could not load your operations"
          onRetry={() => query.refetch()}
        />
      )}
      {query.isSuccess && rows.length === 0 && <Text c="dimmed">No operations match these filters.</Text>}
      {rows.length > 0 && <OperationsTable operations={rows} caption="Your operations" withCancel />}
      {query.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </>
  );
}
