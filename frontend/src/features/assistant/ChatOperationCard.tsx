import { Anchor, Group, Paper, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { StatusBadge } from "@/components/StatusBadge";
import { CancelOperation } from "@/features/operations/CancelOperation";
import { OperationProgress } from "@/features/operations/OperationProgress";
import { useOperationLive } from "@/features/operations/use-operation-live";
import { formatDuration } from "@/lib/format";

/** An operation a chat message started, live over its WebSocket stream, linking to its page. */
export function ChatOperationCard({ id }: { id: string }) {
  const { live, query } = useOperationLive(id);
  const op = live.operation ?? query.data ?? null;
  if (!op) {
    return (
      <Paper withBorder p="sm" radius="md">
        <Text size="sm" c="dimmed">
          {query.isError ? "This operation could not be loaded." : "Loading the operation…"}
        </Text>
      </Paper>
    );
  }
  const { progress } = op;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="chat-operation" aria-label={`Operation ${op.workflow}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Anchor component={Link} to={`/operations/${op.id}`} fw={600}>
            {op.workflow}{" "}
            <Text span ff="monospace" size="sm">
              {op.id.slice(0, 8)}
            </Text>
          </Anchor>
          <StatusBadge status={op.status} />
        </Group>
        <OperationProgress percent={progress.percent} status={op.status} />
        {(progress.stage || progress.message) && (
          <Text size="sm" c="dimmed">
            {[progress.stage, progress.message].filter(Boolean).join(" — ")}
            {progress.eta_s != null &&
              op.status === "running" &&
              ` · about ${formatDuration(progress.eta_s)} left`}
          </Text>
        )}
        {op.error && (
          <Text size="sm" c="red">
            {op.error}
          </Text>
        )}
        <Group gap="xs">
          <CancelOperation operation={op} size="xs" />
          <Anchor component={Link} to={`/operations/${op.id}`} size="sm">
            Open operation
          </Anchor>
        </Group>
      </Stack>
    </Paper>
  );
}
