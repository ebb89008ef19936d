// The activity charts (a lazily loaded chunk: the chart library is not in the initial JavaScript).
import "@mantine/charts/styles.css";
import { Group, Paper, SegmentedControl, SimpleGrid, Stack, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorState } from "@/components/ErrorState";
import { PageLoader } from "@/components/PageLoader";
import { queueHistoryQuery, throughputQuery, workflowsActivityQuery } from "./api";
import type { ChartWindow } from "./chart-data";
import { DurationsChart } from "./DurationsChart";
import { QueueChart } from "./QueueChart";
import { SuccessChart } from "./SuccessChart";
import { ThroughputChart } from "./ThroughputChart";

const SPANS: Record<ChartWindow, string> = { "24h": "24 hours", "7d": "7 days" };

export interface ActivityChartsProps {
  /** "admin": everyone's figures plus the queue over time; "user": the signed-in user's own. */
  scope: "user" | "admin";
}

function QueueSection({ window }: { window: ChartWindow }) {
  const queue = useQuery(queueHistoryQuery(window));
  if (queue.isError) return <ErrorState error={queue.error} onRetry={() => queue.refetch()} />;
  return queue.data ? <QueueChart data={queue.data} span={SPANS[window]} /> : <PageLoader label="Loading" />;
}

export default function ActivityCharts({ scope }: ActivityChartsProps) {
  const [window, setWindow] = useState<ChartWindow>("24h");
  const throughput = useQuery(throughputQuery(window));
  const workflows = useQuery(workflowsActivityQuery(window));
  const span = SPANS[window];
  const failed = throughput.error ?? workflows.error;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="activity-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="activity-title">
          {scope === "admin" ? "Activity (everyone)" : "Your activity"}
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Chart period"
          value={window}
          onChange={(value) => setWindow(value as ChartWindow)}
          data={[
            { value: "24h", label: "24 hours" },
            { value: "7d", label: "7 days" },
          ]}
        />
      </Group>
      {failed && (
        <ErrorState
          error={failed}
          title="Could not load the charts"
          onRetry={() => {
            void throughput.refetch();
            void workflows.refetch();
          }}
        />
      )}
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, md: scope === "admin" ? 2 : 1 }} spacing="md">
          {throughput.data ? (
            <ThroughputChart data={throughput.data} span={span} />
          ) : (
            <PageLoader label="Loading" />
          )}
          {scope === "admin" && <QueueSection window={window} />}
        </SimpleGrid>
        {workflows.data && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <DurationsChart workflows={workflows.data.workflows} span={span} />
            <SuccessChart workflows={workflows.data.workflows} span={span} />
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
