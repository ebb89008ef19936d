import {
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { Trigger, TriggerScheme } from "@/client/api";
import { ErrorState } from "@/components/ErrorState";
import { workflowsQuery } from "@/features/workflows/api";
import { formatDateTime } from "@/lib/format";
import { notifyFailure, notifySuccess } from "@/lib/notify";
import { ApiError } from "@/lib/problem";
import { triggerDeliveriesQuery, triggersQuery, useCreateTrigger, useTriggerAction } from "./api";
import { absoluteUrl, curlExample, parseMapping, sampleBody } from "./curl-example";
import { RotateSecretButton } from "./RotateSecretButton";
import type { ShownSecret } from "./SecretModal";

const SCHEMES: { value: TriggerScheme; label: string }[] = [
  { value: "standard_webhooks", label: "Standard Webhooks (signed, 5-minute window)" },
  { value: "github", label: "GitHub (X-Hub-Signature-256)" },
  { value: "bearer", label: "Bearer token (unsigned)" },
];

function TriggerLog({ trigger }: { trigger: Trigger }) {
  const log = useQuery(triggerDeliveriesQuery(trigger.id));
  if (log.isError) return <ErrorState error={log.error} onRetry={() => log.refetch()} />;
  const rows = log.data ?? [];
  return (
    <Table striped aria-label={`Deliveries to ${trigger.name}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Received</Table.Th>
          <Table.Th>Answer</Table.Th>
          <Table.Th>Delivery id</Table.Th>
          <Table.Th>Operation or reason</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={4}>
              <Text size="sm" c="dimmed">
                Nothing received yet.
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {rows.map((d) => (
          <Table.Tr
            key={`${d.received_at}-${d.delivery_id}-${d.status_code}`}
            data-testid="trigger-delivery-row"
          >
            <Table.Td>{formatDateTime(d.received_at)}</Table.Td>
            <Table.Td>
              <Badge color={d.outcome === "rejected" ? "red" : "green"}>
                {d.status_code} {d.outcome}
              </Badge>
            </Table.Td>
            <Table.Td>{d.delivery_id ?? "-"}</Table.Td>
            <Table.Td>
              {d.operation_id ? <a href={`/operations/${d.operation_id}`}>{d.operation_id}</a> : d.detail}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function TriggersPanel({
  everyone,
  onSecret,
}: {
  everyone: boolean;
  onSecret: (s: ShownSecret) => void;
}) {
  const triggers = useQuery(triggersQuery(everyone));
  const workflows = useQuery(workflowsQuery);
  const create = useCreateTrigger();
  const action = useTriggerAction();
  const [name, setName] = useState("");
  const [workflow, setWorkflow] = useState<string | null>(null);
  const [scheme, setScheme] = useState<TriggerScheme>("standard_webhooks");
  const [fixed, setFixed] = useState("");
  const [mapping, setMapping] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<string | null>(null);

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    const params_mapping = parseMapping(mapping);
    let fixed_params: Record<string, unknown> = {};
    const found: Record<string, string> = {};
    if (typeof params_mapping === "string") found.params_mapping = params_mapping;
    try {
      fixed_params = fixed.trim() ? (JSON.parse(fixed) as Record<string, unknown>) : {};
    } catch {
      found.fixed_params = 'Not JSON: give an object such as {"step_s": 0.2}';
    }
    if (!workflow) found.workflow = "Choose a workflow";
    setErrors(found);
    if (Object.keys(found).length > 0 || typeof params_mapping === "string" || !workflow) return;
    create.mutate(
      { name: name.trim(), workflow, scheme, fixed_params, params_mapping },
      {
        onSuccess: (trigger) => {
          setName("");
          const url = absoluteUrl(trigger.url, window.location.origin);
          onSecret({
            title: "Your new trigger",
            label: `POST deliveries to ${url}. Its ${scheme === "bearer" ? "token" : "signing secret"}:`,
            secret: trigger.secret,
            example: curlExample(trigger.scheme, url, trigger.secret, sampleBody(trigger.params_mapping)),
          });
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 422) {
            const field = String(error.fieldErrors[0]?.loc.at(-1) ?? "name");
            setErrors({ [field]: error.fieldErrors[0]?.msg ?? error.userMessage });
          } else notifyFailure("Could not create the trigger", error);
        },
      },
    );
  };

  const run = (trigger: Trigger, kind: "delete" | "enable" | "disable") =>
    action.mutate(
      { id: trigger.id, action: kind },
      {
        onSuccess: () => notifySuccess("Done", `${kind} ${trigger.name}`),
        onError: (error) => notifyFailure(`Could not ${kind} the trigger`, error),
      },
    );

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="triggers-title">
      <Title order={2} size="h4" id="triggers-title" mb="xs">
        Triggers
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        A trigger is a secret URL that starts a workflow when another system (a CRM, GitHub, a scheduler)
        calls it with a valid signature.
      </Text>
      <form onSubmit={onCreate} aria-label="Create a trigger">
        <Stack gap="xs" mb="lg">
          <Group align="flex-start" wrap="wrap">
            <TextInput
              label="Trigger name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name}
              required
              w={220}
            />
            <Select
              label="Workflow"
              placeholder="Choose a workflow"
              data={(workflows.data ?? []).map((w) => ({ value: w.name, label: w.title }))}
              value={workflow}
              onChange={setWorkflow}
              error={errors.workflow}
              required
              w={240}
            />
            <Select
              label="Verification"
              data={SCHEMES}
              value={scheme}
              onChange={(v) => setScheme((v as TriggerScheme | null) ?? "standard_webhooks")}
              allowDeselect={false}
              w={380}
            />
          </Group>
          <Group align="flex-start" wrap="wrap">
            <Textarea
              label="Parameter mapping (optional)"
              description='Parameter to JSON pointer, e.g. {"steps": "/order/items"}; empty: the body is the parameters'
              value={mapping}
              onChange={(e) => setMapping(e.currentTarget.value)}
              error={errors.params_mapping}
              autosize
              minRows={2}
              w={380}
            />
            <Textarea
              label="Fixed parameters (optional)"
              description='Given to every operation, e.g. {"step_s": 0.2}'
              value={fixed}
              onChange={(e) => setFixed(e.currentTarget.value)}
              error={errors.fixed_params}
              autosize
              minRows={2}
              w={300}
            />
          </Group>
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create trigger
            </Button>
          </Group>
        </Stack>
      </form>
      {triggers.isError && <ErrorState error={triggers.error} onRetry={() => triggers.refetch()} />}
      {triggers.data?.length === 0 && <Text c="dimmed">No triggers yet.</Text>}
      <Stack gap="md">
        {triggers.data?.map((trigger) => (
          <Paper key={trigger.id} withBorder p="sm" radius="sm" data-testid="trigger">
            <Group justify="space-between" wrap="wrap">
              <Stack gap={2}>
                <Text fw={600}>
                  {trigger.name} {!trigger.enabled && <Badge color="gray">disabled</Badge>}
                </Text>
                <Text size="xs" c="dimmed">
                  {everyone ? `${trigger.owner} · ` : ""}
                  {trigger.workflow} · {trigger.scheme}
                </Text>
                <Text size="xs" ff="monospace" style={{ wordBreak: "break-all" }} data-testid="trigger-url">
                  {absoluteUrl(trigger.url, window.location.origin)}
                </Text>
              </Stack>
              <Group gap="xs">
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => run(trigger, trigger.enabled ? "disable" : "enable")}
                >
                  {trigger.enabled ? "Disable" : "Enable"}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setOpen(open === trigger.id ? null : trigger.id)}
                >
                  {open === trigger.id ? "Hide deliveries" : "Deliveries"}
                </Button>
                <RotateSecretButton kind="trigger" id={trigger.id} name={trigger.name} onSecret={onSecret} />
                <Button size="xs" color="red" variant="subtle" onClick={() => run(trigger, "delete")}>
                  Delete
                </Button>
              </Group>
            </Group>
            {open === trigger.id && <TriggerLog trigger={trigger} />}
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}
