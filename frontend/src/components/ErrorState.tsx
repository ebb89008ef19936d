import { Alert, Button, Group, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { ApiError } from "@/lib/problem";

interface Props {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

/** An inline error for a failed load: a human sentence and, when it helps, a retry button. */
export function ErrorState({ error, title = "Could not load this", onRetry }: Props) {
  const message =
    error instanceof ApiError ? error.userMessage : "Something went wrong. Please try again later.";
  return (
    <Alert color="red" icon={<IconAlertTriangle aria-hidden />} title={title} role="alert">
      <Group justify="space-between" align="center">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}
