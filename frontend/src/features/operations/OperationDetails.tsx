import { SimpleGrid, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { Operation } from "@/lib/api-types";
import { formatDateTime, formatDuration } from "@/lib/format";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0}>
        {children}
      </Text>
    </Stack>
  );
}

export function OperationDetails({
  operation,
  elapsedS,
  etaS,
}: {
  operation: Operation;
  elapsedS: number | null;
  etaS: number | null;
}) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="md" component="dl" m={0}>
      <Item label="Elapsed">{formatDuration(elapsedS)}</Item>
      <Item label="Time left (estimate)">{etaS === null ? "—" : formatDuration(etaS)}</Item>
      <Item label="Priority">{operation.priority}</Item>
      <Item label="Owner">{operation.owner}</Item>
      {operation.status === "queued" && operation.queue_position != null && (
        <Item label="Position in queue">{operation.queue_position}</Item>
      )}
      <Item label="Created">{formatDateTime(operation.created_at)}</Item>
      <Item label="Started">{formatDateTime(operation.started_at)}</Item>
      <Item label="Finished">{formatDateTime(operation.finished_at)}</Item>
      <Item label="Timeout">{formatDuration(operation.timeout_s)}</Item>
      {operation.attempt > 1 && <Item label="Attempt">{operation.attempt}</Item>}
    </SimpleGrid>
  );
}
