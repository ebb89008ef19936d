import { Loader, Text, Timeline } from "@mantine/core";
import { IconCheck, IconCircleDashed, IconPlayerSkipForward, IconX } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { formatDuration } from "@/lib/format";
import type { StageRow, StageState } from "./stage-timeline";

const STATE_TEXT: Record<StageState, string> = {
  done: "Done",
  current: "In progress",
  stopped: "Stopped",
  pending: "Pending",
  skipped: "Skipped",
};

// Bullet icon and colour per state; the text says the state too, so colour is never the only cue.
const LOOK: Record<StageState, { color: string; icon: ReactNode }> = {
  done: { color: "green", icon: <IconCheck size={14} aria-hidden /> },
  current: { color: "blue", icon: <Loader size={12} color="white" aria-hidden /> },
  stopped: { color: "red", icon: <IconX size={14} aria-hidden /> },
  skipped: { color: "gray", icon: <IconPlayerSkipForward size={12} aria-hidden /> },
  pending: { color: "gray", icon: <IconCircleDashed size={14} aria-hidden /> },
};

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
  // Stages up to the last one entered are drawn as reached; the rest, dashed, are still ahead.
  const reached = rows.reduce((last, row) => (row.startedAt !== null ? row.index : last), -1);
  return (
    <Timeline active={reached} bulletSize={24} lineWidth={2} role="list" aria-label="Stages">
      {rows.map((row) => (
        <Timeline.Item
          key={row.name}
          role="listitem"
          data-state={row.state}
          aria-current={row.state === "current" ? "step" : undefined}
          color={LOOK[row.state].color}
          bullet={LOOK[row.state].icon}
          lineVariant={row.index < reached ? "solid" : "dashed"}
          title={
            <Text size="sm" fw={row.state === "current" ? 700 : 500} span>
              {row.index + 1}. {row.name}
              {row.description && (
                <Text span c="dimmed" size="sm">
                  {" "}
                  — {row.description}
                </Text>
              )}
            </Text>
          }
        >
          <Text size="xs" c="dimmed">
            {detail(row)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
