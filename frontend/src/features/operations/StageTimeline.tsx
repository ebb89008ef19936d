import { List, Loader, Text, ThemeIcon } from "@mantine/core";
import { IconCheck, IconCircleDashed, IconPlayerSkipForward, IconX } from "@tabler/icons-react";
import { formatDuration } from "@/lib/format";
import type { StageRow, StageState } from "./stage-timeline";

const STATE_TEXT: Record<StageState, string> = {
  done: "Done",
  current: "In progress",
  stopped: "Stopped",
  pending: "Pending",
  skipped: "Skipped",
};

function StageIcon({ state }: { state: StageState }) {
  switch (state) {
    case "done":
      return (
        <ThemeIcon color="green" size={24} radius="xl">
          <IconCheck size={14} aria-hidden />
        </ThemeIcon>
      );
    case "current":
      return (
        <ThemeIcon color="blue" variant="light" size={24} radius="xl">
          <Loader size={14} color="blue" aria-hidden />
        </ThemeIcon>
      );
    case "stopped":
      return (
        <ThemeIcon color="red" size={24} radius="xl">
          <IconX size={14} aria-hidden />
        </ThemeIcon>
      );
    case "skipped":
      return (
        <ThemeIcon color="gray" variant="light" size={24} radius="xl">
          <IconPlayerSkipForward size={14} aria-hidden />
        </ThemeIcon>
      );
    default:
      return (
        <ThemeIcon color="gray" variant="outline" size={24} radius="xl">
          <IconCircleDashed size={14} aria-hidden />
        </ThemeIcon>
      );
  }
}

function detail(row: StageRow): string {
  switch (row.state) {
    case "done":
      return row.durationS === null ? "Done" : `Done in ${formatDuration(row.durationS)}`;
    case "current":
      return `In progress for ${formatDuration(row.durationS)}`;
    case "stopped":
      return `Stopped after ${formatDuration(row.durationS)}`;
    default:
      return STATE_TEXT[row.state];
  }
}

export function StageTimeline({ rows }: { rows: readonly StageRow[] }) {
  return (
    <List spacing="sm" listStyleType="none" aria-label="Stages" center>
      {rows.map((row) => (
        <List.Item
          key={row.name}
          icon={<StageIcon state={row.state} />}
          data-state={row.state}
          aria-current={row.state === "current" ? "step" : undefined}
        >
          <Text size="sm" fw={row.state === "current" ? 700 : 500}>
            {row.index + 1}. {row.name}
            {row.description && (
              <Text span c="dimmed" size="sm">
                {" "}
                — {row.description}
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            {detail(row)}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
