import { BarChart } from "@mantine/charts";
import type { WorkflowActivity } from "@/lib/api-types";
import { ChartCard } from "./ChartCard";
import { successRows } from "./chart-data";

export function SuccessChart({ workflows, span }: { workflows: readonly WorkflowActivity[]; span: string }) {
  const rows = successRows(workflows);
  const summary =
    rows.length === 0
      ? `No run completed, failed or timed out in the last ${span}.`
      : rows.map((r) => `${r.workflow} ${r.rate}% (${r.completed} of ${r.decided})`).join(", ");
  return (
    <ChartCard
      id="chart-success"
      title="Success rate per workflow"
      summary={summary}
      empty={rows.length === 0 ? "Nothing to rate in this period." : null}
    >
      <BarChart
        h={Math.max(120, 44 * rows.length + 40)}
        data={rows}
        dataKey="workflow"
        orientation="vertical"
        series={[{ name: "rate", label: "Success rate", color: "teal.6" }]}
        getBarColor={(value) => (value >= 95 ? "teal.6" : value >= 80 ? "yellow.6" : "red.6")}
        yAxisProps={{ width: 120 }}
        xAxisProps={{ domain: [0, 100] }}
        valueFormatter={(value) => `${value}%`}
        gridAxis="x"
        tickLine="x"
        withBarValueLabel
        // Room for the value label of a full (100 %) bar.
        barChartProps={{ margin: { right: 44 } }}
      />
    </ChartCard>
  );
}
