import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorState } from "@/components/ErrorState";
import { PageLoader } from "@/components/PageLoader";
import type { WorkerInfo } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { notifyFailure, notifySuccess } from "@/lib/notify";
import { useNow } from "@/lib/use-now";
import { useWorkerAction, type WorkerAction, workersQuery } from "./api";
import { ago, roleLabel, sortWorkers, summarise, workerView } from "./workers";

function workerName(worker: WorkerInfo): string {
  return `${worker.hostname}:${worker.pid}`;
}

const LABELS: Record<WorkerAction, string> = { drain: "Drain", resume: "Resume", deregister: "Deregister" };

const DONE: Record<WorkerAction, string> = {
  drain: "Draining: it takes no new operations from its next heartbeat on.",
  resume: "Resumed: it takes new operations again from its next heartbeat on.",
  deregister: "Forgotten.",
};

function List({ items, empty }: { items: readonly string[]; empty: string }) {
  if (items.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {items.map((item) => (
        <Badge key={item} variant="outline" color="gray" size="sm" tt="none">
          {item}
        </Badge>
      ))}
    </Group>
  );
}

export function WorkersPanel() {
  const workers = useQuery(workersQuery);
  const action = useWorkerAction();
  const now = useNow(true);
  const [forgetting, setForgetting] = useState<WorkerInfo | null>(null);

  const act = (worker: WorkerInfo, kind: WorkerAction) =>
    action.mutate(
      { id: worker.id, action: kind },
      {
        onSuccess: () => notifySuccess(`${workerName(worker)}`, DONE[kind]),
        onError: (error) => notifyFailure(`Could not ${kind} ${workerName(worker)}`, error),
        onSettled: () => setForgetting(null),
      },
    );

  const rows = sortWorkers(workers.data ?? []);
  const summary = summarise(rows);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="workers-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="workers-title">
          Workers
        </Title>
        {workers.data && (
          <Text size="sm" c="dimmed" data-testid="workers-summary">
            {summary.alive} alive, {summary.draining} draining, {summary.late} late, {summary.gone} gone ·{" "}
            {summary.running} running, room for {summary.capacity}
          </Text>
        )}
      </Group>
      <Text size="xs" c="dimmed" mb="sm">
        Every worker process (<code>underway serve</code>, <code>underway worker</code>,{" "}
        <code>underway run</code>), refreshed every 5 seconds. Draining lets a worker finish what it runs and
        take nothing new.
      </Text>
      {workers.isPending && <PageLoader label="Loading the workers" />}
      {workers.isError && (
        <ErrorState
          error={workers.error}
          title="Could not load the workers"
          onRetry={() => workers.refetch()}
        />
      )}
      {workers.data && rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No worker is registered: nothing will run until one starts (<code>underway worker</code>).
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="xs" highlightOnHover>
            <caption>
              <VisuallyHidden>Worker processes</VisuallyHidden>
            </caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Worker</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Running</Table.Th>
                <Table.Th scope="col">Workflows and capabilities</Table.Th>
                <Table.Th scope="col">Started</Table.Th>
                <Table.Th scope="col">Last heartbeat</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((worker) => {
                const view = workerView(worker);
                const name = workerName(worker);
                const busy = action.isPending && action.variables?.id === worker.id;
                return (
                  <Table.Tr key={worker.id} data-worker-id={worker.id}>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {roleLabel(worker.role)} · v{worker.version || "?"} ·{" "}
                        <span title={worker.id}>{worker.id.slice(0, 8)}</span>
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={view.explanation} multiline w={260}>
                        <Badge
                          color={view.color}
                          variant="light"
                          miw="max-content"
                          data-testid="worker-state"
                        >
                          {view.label}
                        </Badge>
                      </Tooltip>
                      <VisuallyHidden>{view.explanation}</VisuallyHidden>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" data-testid="worker-running">
                        {worker.running} of {worker.capacity}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={360}>
                      <List items={worker.workflows} empty="No workflows" />
                      {worker.capabilities.length > 0 && (
                        <Group gap={4} mt={4}>
                          <Text size="xs" c="dimmed">
                            Offers:
                          </Text>
                          <List items={worker.capabilities} empty="" />
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(worker.started_at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" title={formatDateTime(worker.heartbeat_at)}>
                        {worker.stopped_at
                          ? `stopped ${ago(worker.stopped_at, now)}`
                          : ago(worker.heartbeat_at, now)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        {(["drain", "resume"] as const)
                          .filter((kind) => (kind === "drain" ? view.canDrain : view.canResume))
                          .map((kind) => (
                            <Button
                              key={kind}
                              size="xs"
                              variant={kind === "drain" ? "default" : "light"}
                              loading={busy}
                              onClick={() => act(worker, kind)}
                              aria-label={`${LABELS[kind]} ${name}`}
                            >
                              {LABELS[kind]}
                            </Button>
                          ))}
                        {view.canDeregister && (
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            onClick={() => setForgetting(worker)}
                            aria-label={`Deregister ${name}`}
                          >
                            Deregister
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={forgetting !== null}
        onClose={() => setForgetting(null)}
        title={forgetting ? `Deregister ${workerName(forgetting)}?` : ""}
        centered
      >
        <Text size="sm" mb="md">
          It disappears from this list now instead of in a day. Anything it still held is settled by the
          restart policy. If the process comes back, it registers again.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setForgetting(null)}>
            Keep it
          </Button>
          <Button
            color="red"
            loading={action.isPending}
            onClick={() => forgetting && act(forgetting, "deregister")}
          >
            Deregister
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}
