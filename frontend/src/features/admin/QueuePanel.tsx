import {
  Badge,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ErrorState";
import { PageLoader } from "@/components/PageLoader";
import { queueQuery, readinessQuery } from "./api";

function Health() {
  const ready = useQuery(readinessQuery);
  if (ready.isPending) return <Badge color="gray">Checking…</Badge>;
  if (ready.isError) return <Badge color="red">Health unknown</Badge>;
  return (
    <Group gap="xs">
      <Badge color={ready.data.ready ? "green" : "red"} data-testid="health-ready">
        {ready.data.ready ? "Ready" : "Not ready"}
      </Badge>
      {Object.entries(ready.data.checks).map(([name, value]) => (
        <Text size="xs" c="dimmed" key={name}>
          {name}: {value ? "ok" : "failing"}
        </Text>
      ))}
    </Group>
  );
}

export function QueuePanel() {
  const queue = useQuery(queueQuery);
  const q = queue.data;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="queue-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="queue-title">
          Queue and workers
        </Title>
        <Health />
      </Group>
      {queue.isPending && <PageLoader label="Loading the queue" />}
      {queue.isError && (
        <ErrorState error={queue.error} title="Could not load the queue" onRetry={() => queue.refetch()} />
      )}
      {q && (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <div>
              <Text size="sm" fw={600} mb={4}>
                Running: {q.running} of {q.workers} workers
              </Text>
              <Progress
                value={q.workers > 0 ? Math.min(100, (100 * q.running) / q.workers) : 0}
                aria-label="Running operations, share of workers"
                size="lg"
              />
              <Text size="xs" c="dimmed" mt={4}>
                At most {q.max_running_per_user} running and {q.max_queued_per_user} queued per user.
              </Text>
            </div>
            <div>
              <Text size="sm" fw={600} mb={4}>
                Queued: {q.queued} of {q.capacity} capacity
              </Text>
              <Progress
                value={q.capacity > 0 ? Math.min(100, (100 * q.queued) / q.capacity) : 0}
                aria-label="Queued operations, share of capacity"
                size="lg"
                color={q.queued >= q.capacity ? "red" : "blue"}
              />
              <Group gap="md" mt={4}>
                {(["high", "normal", "low"] as const).map((p) => (
                  <Text size="xs" key={p} data-testid={`depth-${p}`}>
                    {p}: <strong>{q.depth_by_priority[p] ?? 0}</strong>
                  </Text>
                ))}
              </Group>
            </div>
          </SimpleGrid>
          <Table.ScrollContainer minWidth={360}>
            <Table verticalSpacing={4}>
              <caption>
                <VisuallyHidden>Usage per user</VisuallyHidden>
              </caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">User</Table.Th>
                  <Table.Th scope="col">Queued</Table.Th>
                  <Table.Th scope="col">Running</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.per_user.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={3}>
                      <Text size="sm" c="dimmed">
                        Nobody has operations waiting or running.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {q.per_user.map((u) => (
                  <Table.Tr key={u.owner}>
                    <Table.Td>{u.owner}</Table.Td>
                    <Table.Td>{u.queued}</Table.Td>
                    <Table.Td>{u.running}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Paper>
  );
}
