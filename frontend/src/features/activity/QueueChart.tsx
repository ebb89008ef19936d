import { AreaChart } from "@mantine/charts";
import type { QueueHistory } from "@/lib/api-types";
import { ChartCard } from "./ChartCard";
import { queuePeaks, queueRows } from "./chart-data";

export function QueueChart({ data, span }: { data: QueueHistory; span: string }) {
  const rows = queueRows(data);
  const peak = queuePeaks(rows);
  const now = rows[rows.length - 1];
  const summary = `Now ${now?.queued ?? 0} queued and ${now?.running ?? 0} running; at most ${peak.queued} queued and ${peak.running} running in the last ${span}.`;
  return (
    <ChartCard id="chart-queue" title="Queue depth and running" summary={summary}>
      <AreaChart
        h={220}
        data={rows}
        dataKey="label"
        series={[
          { name: "queued", label: "Queued", color: "orange.6" },
          { name: "running", label: "Running", color: "blue.6" },
        ]}
        curveType="stepAfter"
        withLegend
        legendProps={{ verticalAlign: "bottom" }}
        withDots={false}
        tickLine="y"
        gridAxis="y"
        xAxisProps={{ minTickGap: 24 }}
        yAxisProps={{ allowDecimals: false }}
      />
    </ChartCard>
  );
}
