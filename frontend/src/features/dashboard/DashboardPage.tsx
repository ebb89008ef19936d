import { Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconHistory, IconPlus } from "@tabler/icons-react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { LazyActivityCharts } from "@/features/activity/LazyActivityCharts";
import { useCurrentUser } from "@/features/auth/api";
import { emptyFilters, operationsListQuery } from "@/features/operations/api";
import { withLive } from "@/features/operations/live-rows";
import { OperationsTable } from "@/features/operations/OperationsTable";
import { useLiveRows } from "@/features/operations/use-live-rows";
import { workflowsQuery } from "@/features/workflows/api";
import { formatDuration, formatPercent } from "@/lib/format";
import { statsQuery } from "./api";
import { StatCard } from "./StatCard";

const RECENT = 5;

export function DashboardPage() {
  const me = useCurrentUser();
  const stats = useQuery(statsQuery);
  const workflows = useQuery(workflowsQuery);
  const recent = useInfiniteQuery(operationsListQuery("mine", emptyFilters));
  const operations = useMemo(() => (recent.data?.pages[0]?.items ?? []).slice(0, RECENT), [recent.data]);
  const live = useLiveRows(operations);
  const rows = useMemo(() => operations.map((op) => withLive(op, live)), [operations, live]);

  const s = stats.data;
  return (
    <Stack gap="lg">
      <PageHeader
        title="Dashboard"
        description={me.data ? `Welcome back, ${me.data.username}.` : undefined}
        actions={
          <>
            <Button component={Link} to="/workflows" leftSection={<IconPlus size={16} aria-hidden />}>
              New operation
            </Button>
            <Button
              component={Link}
              to="/history"
              variant="default"
              leftSection={<IconHistory size={16} aria-hidden />}
            >
              View history
            </Button>
          </>
        }
      />
      {stats.isError && (
        <ErrorState error={stats.error} title="Could not load the figures" onRetry={() => stats.refetch()} />
      )}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md">
        {s ? (
          <>
            <StatCard label="Active" value={String(s.active)} hint={`${s.running} running`} />
            <StatCard label="Queued" value={String(s.queued)} />
            <StatCard
              label="Completed today"
              value={String(s.completed_today)}
              hint={`${s.finished_today} finished`}
            />
            <StatCard label="Success rate" value={formatPercent(s.success_rate)} hint="Last 7 days" />
            <StatCard label="Average duration" value={formatDuration(s.avg_duration_s)} hint="Last 7 days" />
          </>
        ) : (
          !stats.isError &&
          ["a", "b", "c", "d", "e"].map((k) => <Skeleton key={k} h={96} radius="md" aria-hidden />)
        )}
      </SimpleGrid>
      <LazyActivityCharts scope={me.data?.role === "admin" ? "admin" : "user"} />
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="recent-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4" id="recent-title">
            Recent operations
          </Title>
          <Button component={Link} to="/history" variant="subtle" size="xs">
            See all
          </Button>
        </Group>
        {recent.isError && <ErrorState error={recent.error} onRetry={() => recent.refetch()} />}
        {recent.isSuccess && rows.length === 0 && (
          <Text c="dimmed" size="sm">
            No operations yet. Start one from the workflows catalogue.
          </Text>
        )}
        {rows.length > 0 && <OperationsTable operations={rows} caption="Recent operations" />}
      </Paper>
      {workflows.data && workflows.data.length > 0 && (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="quick-title">
          <Title order={2} size="h4" id="quick-title" mb="sm">
            Quick start
          </Title>
          <Group gap="sm">
            {workflows.data.slice(0, 6).map((wf) => (
              <Button
                key={wf.name}
                component={Link}
                to={`/workflows/${encodeURIComponent(wf.name)}`}
                variant="light"
                size="sm"
              >
                {wf.title}
              </Button>
            ))}
          </Group>
        </Paper>
      )}
    </Stack>
  );
}
