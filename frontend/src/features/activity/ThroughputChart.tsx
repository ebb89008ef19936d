import { BarChart } from "@mantine/charts";
import type { Throughput } from "@/lib/api-types";
import { ChartCard } from "./ChartCard";
import { throughputRows, throughputTotals } from "./chart-data";

export const STATUS_SERIES = [
  { name: "completed", label: "Completed", color: "green.6" },
  { name: "failed", label: "Failed", color: "red.6" },
  { name: "timed_out", label: "Timed out", color: "grape.6" },
  { name: "cancelled", label: "Cancelled", color: "gray.5" },
];

export function ThroughputChart({ data, span }: { data: Throughput; span: string }) {
  const rows = throughputRows(data);
  const t = throughputTotals(rows);
  const summary =
    t.all === 0
      ? `Nothing finished in the last ${span}.`
      : `${t.all} finished in the last ${span}: ${t.completed} completed, ${t.failed} failed, ` +
        `${t.timed_out} timed out, ${t.cancelled} cancelled.`;
  return (
    <ChartCard
      id="chart-throughput"
      title="Finished per hour"
      summary={summary}
      empty={t.all === 0 ? "No operation finished in this period." : null}
    >
      <BarChart
        h={220}
        data={rows}
        dataKey="label"
        type="stacked"
        series={STATUS_SERIES}
        withLegend
        legendProps={{ verticalAlign: "bottom" }}
        tickLine="y"
        gridAxis="y"
        xAxisProps={{ minTickGap: 16 }}
        yAxisProps={{ allowDecimals: false }}
      />
    </ChartCard>
  );
}
