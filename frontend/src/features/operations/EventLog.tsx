import { Badge, Box, Group, ScrollArea, Text } from "@mantine/core";
import { useEffect, useRef } from "react";
import type { OperationEvent } from "@/lib/api-types";

const LEVEL_COLORS: Record<string, string> = { debug: "gray", info: "blue", warning: "yellow", error: "red" };

function time(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString(undefined, { hour12: false });
}

/** The operation's log lines; follows new lines while the reader is at the bottom. */
export function EventLog({ lines, dropped }: { lines: readonly OperationEvent[]; dropped: number }) {
  const viewport = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the number of lines changes
  useEffect(() => {
    const el = viewport.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines.length]);

  if (lines.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No log lines yet.
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize
      mah={320}
      viewportRef={viewport}
      onScrollPositionChange={({ y }) => {
        const el = viewport.current;
        if (el) atBottom.current = el.scrollHeight - el.clientHeight - y < 24;
      }}
    >
      <Box
        component="ol"
        role="log"
        aria-label="Operation log"
        aria-live="polite"
        m={0}
        p={0}
        style={{ listStyle: "none" }}
      >
        {dropped > 0 && (
          <Text component="li" size="xs" c="dimmed">
            {dropped} earlier lines not shown
          </Text>
        )}
        {lines.map((line) => (
          <Group component="li" key={line.seq} gap="xs" wrap="nowrap" align="flex-start" py={2}>
            <Text size="xs" c="dimmed" ff="monospace" style={{ flexShrink: 0 }}>
              {time(line.ts)}
            </Text>
            <Badge
              size="xs"
              variant="light"
              color={LEVEL_COLORS[line.level ?? "info"] ?? "gray"}
              style={{ flexShrink: 0 }}
            >
              {line.level ?? "info"}
            </Badge>
            <span className="log-line">{line.message}</span>
          </Group>
        ))}
      </Box>
    </ScrollArea.Autosize>
  );
}
