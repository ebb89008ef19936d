import { Group, Progress, Text } from "@mantine/core";
import type { OperationStatus } from "@/lib/api-types";

const COLORS: Partial<Record<OperationStatus, string>> = {
  completed: "green",
  failed: "red",
  cancelled: "gray",
  timed_out: "grape",
  cancelling: "orange",
};

export function OperationProgress({ percent, status }: { percent: number; status: OperationStatus }) {
  const value = Math.round(Math.min(100, Math.max(0, percent)) * 10) / 10;
  return (
    <div>
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>
          Progress
        </Text>
        <Text size="sm" fw={600} aria-hidden>
          {value}%
        </Text>
      </Group>
      <Progress
        value={value}
        size="lg"
        radius="md"
        color={COLORS[status] ?? "blue"}
        striped={status === "running"}
        animated={status === "running"}
        aria-label="Operation progress"
        transitionDuration={200}
      />
    </div>
  );
}
