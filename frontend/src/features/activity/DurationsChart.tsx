import { BarChart } from "@mantine/charts";
import { Group, Select, Text } from "@mantine/core";
import { useState } from "react";
import type { WorkflowActivity } from "@/lib/api-types";
import { formatDuration } from "@/lib/format";
import { ChartCard } from "./ChartCard";
import { binOf, busiestWorkflow, durationRows } from "./chart-data";

export function DurationsChart({
  workflows,
  span,
}: {
  workflows: readonly WorkflowActivity[];
  span: string;
}) {
  const timed = workflows.filter((w) => w.completed > 0);
  const [picked, setPicked] = useState<string | null>(null);
  const name = picked && timed.some((w) => w.workflow === picked) ? picked : busiestWorkflow(timed);
  const workflow = timed.find((w) => w.workflow === name) ?? null;
  const summary = workflow
    ? `${workflow.workflow}: ${workflow.completed} completed ${workflow.completed === 1 ? "run" : "runs"}, median ${formatDuration(workflow.p50_s)}, ` +
      `95th percentile ${formatDuration(workflow.p95_s)}, longest ${formatDuration(workflow.max_s)}.`
    : `No run completed in the last ${span}.`;
  const markers = workflow
    ? [
        { x: binOf(workflow, workflow.p50_s), label: "p50", color: "blue.7" },
        { x: binOf(workflow, workflow.p95_s), label: "p95", color: "red.7" },
      ].filter((m): m is { x: string; label: string; color: string } => m.x !== null)
    : [];
  return (
    <ChartCard
      id="chart-durations"
      title="Run time distribution"
      summary={summary}
      empty={workflow ? null : "No completed run to time in this period."}
    >
      {workflow && (
        <>
          <Group justify="space-between" mb="xs" wrap="nowrap">
            <Select
              aria-label="Workflow"
              size="xs"
              data={timed.map((w) => w.workflow)}
              value={workflow.workflow}
              onChange={setPicked}
              allowDeselect={false}
              w={200}
            />
            <Text size="xs" data-testid="durations-percentiles">
              p50 <strong>{formatDuration(workflow.p50_s)}</strong> · p95{" "}
              <strong>{formatDuration(workflow.p95_s)}</strong>
            </Text>
          </Group>
          <BarChart
            h={180}
            data={durationRows(workflow)}
            dataKey="bin"
            series={[{ name: "runs", label: "Runs", color: "indigo.6" }]}
            referenceLines={markers.map((m) => ({
              x: m.x,
              label: m.label,
              color: m.color,
              labelPosition: "insideTopRight" as const,
            }))}
            yAxisProps={{ allowDecimals: false }}
            tickLine="y"
            gridAxis="y"
          />
        </>
      )}
    </ChartCard>
  );
}
