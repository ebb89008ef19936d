import { Badge, Button, Checkbox, Group, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { WebhookEventType as EventType, WebhookEndpoint } from "@/client/api";
import { ErrorState } from "@/components/ErrorState";
import { formatDateTime } from "@/lib/format";
import { notifyFailure, notifySuccess } from "@/lib/notify";
import { ApiError } from "@/lib/problem";
import { deliveriesQuery, endpointsQuery, useCreateEndpoint, useEndpointAction, useResend } from "./api";
import { RotateSecretButton } from "./RotateSecretButton";
import type { ShownSecret } from "./SecretModal";

const EVENT_TYPES: EventType[] = [
  "operation.completed",
  "operation.failed",
  "operation.cancelled",
  "operation.timed_out",
  "operation.started",
];
const DEFAULT_EVENTS = EVENT_TYPES.slice(0, 4);

function DeliveryLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const log = useQuery(deliveriesQuery(endpoint.id));
  const resend = useResend();
  if (log.isError) return <ErrorState error={log.error} onRetry={() => log.refetch()} />;
  const rows = log.data ?? [];
  return (
    <Table striped aria-label={`Deliveries to ${endpoint.url}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Created</Table.Th>
          <Table.Th>Event</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Attempts</Table.Th>
          <Table.Th>Last answer</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={6}>
              <Text size="sm" c="dimmed">
                No deliveries yet.
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {rows.map((d) => (
          <Table.Tr key={d.id} data-testid="delivery-row">
            <Table.Td>{formatDateTime(d.created_at)}</Table.Td>
            <Table.Td>{d.event_type}</Table.Td>
            <Table.Td>
              <Badge color={d.status === "succeeded" ? "green" : d.status === "failed" ? "red" : "blue"}>
                {d.status}
              </Badge>
            </Table.Td>
            <Table.Td>{d.attempts}</Table.Td>
            <Table.Td>{d.last_status_code ?? d.last_error ?? "-"}</Table.Td>
            <Table.Td>
              <Button
                size="xs"
                variant="light"
                loading={resend.isPending && resend.variables === d.id}
                onClick={() =>
                  resend.mutate(d.id, {
                    onSuccess: () => notifySuccess("Resent", `Delivery ${d.id} goes out again.`),
                    onError: (error) => notifyFailure("Could not resend", error),
                  })
                }
              >
                Resend
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function EndpointsPanel({
  everyone,
  onSecret,
}: {
  everyone: boolean;
  onSecret: (s: ShownSecret) => void;
}) {
  const endpoints = useQuery(endpointsQuery(everyone));
  const create = useCreateEndpoint();
  const action = useEndpointAction();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>(DEFAULT_EVENTS);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { url: url.trim(), description, event_types: events as EventType[] },
      {
        onSuccess: (endpoint) => {
          setUrl("");
          setDescription("");
          setUrlError(null);
          onSecret({
            title: "Your new webhook endpoint",
            label: `Signing secret of ${endpoint.url}: verify every delivery with it.`,
            secret: endpoint.secret,
          });
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 422)
            setUrlError(error.fieldErrors[0]?.msg ?? error.userMessage);
          else notifyFailure("Could not add the endpoint", error);
        },
      },
    );
  };

  const run = (endpoint: WebhookEndpoint, kind: "test" | "replay" | "delete" | "enable" | "disable") =>
    action.mutate(
      { id: endpoint.id, action: kind },
      {
        onSuccess: () => notifySuccess("Done", `${kind} ${endpoint.url}`),
        onError: (error) => notifyFailure(`Could not ${kind} the endpoint`, error),
      },
    );

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="endpoints-title">
      <Title order={2} size="h4" id="endpoints-title" mb="xs">
        Webhook endpoints
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Signed events (Standard Webhooks) are sent to these URLs when your operations start or finish, and
        retried until they are delivered.
      </Text>
      <form onSubmit={onCreate} aria-label="Add a webhook endpoint">
        <Stack gap="xs" mb="lg">
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="Endpoint URL"
              placeholder="https://example.com/webhooks/underway"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={urlError}
              required
              w={380}
            />
            <TextInput
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              w={240}
            />
            <Button type="submit" loading={create.isPending} disabled={events.length === 0}>
              Add endpoint
            </Button>
          </Group>
          <Checkbox.Group label="Events" value={events} onChange={setEvents}>
            <Group mt={4}>
              {EVENT_TYPES.map((t) => (
                <Checkbox key={t} value={t} label={t} />
              ))}
            </Group>
          </Checkbox.Group>
        </Stack>
      </form>
      {endpoints.isError && <ErrorState error={endpoints.error} onRetry={() => endpoints.refetch()} />}
      {endpoints.data?.length === 0 && <Text c="dimmed">No webhook endpoints yet.</Text>}
      <Stack gap="md">
        {endpoints.data?.map((endpoint) => (
          <Paper key={endpoint.id} withBorder p="sm" radius="sm" data-testid="endpoint">
            <Group justify="space-between" wrap="wrap">
              <Stack gap={2}>
                <Text fw={600} style={{ wordBreak: "break-all" }}>
                  {endpoint.url}
                </Text>
                <Text size="xs" c="dimmed">
                  {everyone ? `${endpoint.owner} · ` : ""}
                  {endpoint.event_types.join(", ")}
                  {endpoint.description ? ` · ${endpoint.description}` : ""}
                </Text>
                {!endpoint.enabled && (
                  <Text size="sm" c="red">
                    Disabled{endpoint.disabled_reason ? `: ${endpoint.disabled_reason}` : ""}
                  </Text>
                )}
              </Stack>
              <Group gap="xs">
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => run(endpoint, "test")}
                  disabled={!endpoint.enabled}
                >
                  Send test event
                </Button>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => run(endpoint, "replay")}
                  disabled={!endpoint.enabled}
                >
                  Replay failed
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => run(endpoint, endpoint.enabled ? "disable" : "enable")}
                >
                  {endpoint.enabled ? "Disable" : "Enable"}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
                >
                  {open === endpoint.id ? "Hide deliveries" : "Deliveries"}
                </Button>
                <RotateSecretButton
                  kind="endpoint"
                  id={endpoint.id}
                  name={endpoint.url}
                  onSecret={onSecret}
                />
                <Button size="xs" color="red" variant="subtle" onClick={() => run(endpoint, "delete")}>
                  Delete
                </Button>
              </Group>
            </Group>
            {open === endpoint.id && <DeliveryLog endpoint={endpoint} />}
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}
