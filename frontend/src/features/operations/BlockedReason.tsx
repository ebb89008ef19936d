import { Alert, Group, Text } from "@mantine/core";
import { IconPlugConnectedX } from "@tabler/icons-react";
import type { Operation } from "@/lib/api-types";

/** Why a queued operation cannot start (no live worker can run it), or null: it just waits its turn,
 * or it is no longer queued. */
export function blockedReasonOf(op: Pick<Operation, "status" | "blocked_reason">): string | null {
  return op.status === "queued" && op.blocked_reason ? op.blocked_reason : null;
}

/** Says why a queued operation waits, instead of letting it wait silently: an alert on the
 * operation's page, a short warning line under its status in tables. */
export function BlockedReason({ operation, compact = false }: { operation: Operation; compact?: boolean }) {
  const reason = blockedReasonOf(operation);
  if (reason === null) return null;
  if (compact) {
    return (
      <Group gap={4} wrap="nowrap" mt={4} data-testid="blocked-reason">
        <IconPlugConnectedX size={14} aria-hidden color="var(--mantine-color-orange-filled)" />
        <Text size="xs" c="orange.9" lh={1.2}>
          <Text span inherit fw={600}>
            Cannot start:
          </Text>{" "}
          {reason}
        </Text>
      </Group>
    );
  }
  return (
    <Alert
      color="orange"
      icon={<IconPlugConnectedX aria-hidden />}
      title="No worker can start this operation now"
      data-testid="blocked-reason"
    >
      {reason} It stays queued and starts as soon as a worker that can run it is available.
    </Alert>
  );
}
