import { Skeleton } from "@mantine/core";
import { lazy, Suspense } from "react";
import type { ActivityChartsProps } from "./ActivityCharts";

// Recharts and @mantine/charts load with this chunk, after the page itself has rendered.
const ActivityCharts = lazy(() => import("./ActivityCharts"));

export function LazyActivityCharts(props: ActivityChartsProps) {
  return (
    <Suspense fallback={<Skeleton h={320} radius="md" aria-label="Loading the charts" />}>
      <ActivityCharts {...props} />
    </Suspense>
  );
}
