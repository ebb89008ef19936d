import {
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { IconKey, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorState } from "@/components/ErrorState";
import type { ApiKey, ApiKeyCreated } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { localDateAfter } from "@/lib/local-time";
import { notifyFailure, notifySuccess } from "@/lib/notify";
import { ApiError } from "@/lib/problem";
import { apiKeysQuery, useCreateApiKey, useRevokeApiKey } from "./api";
import { CreatedKeyModal } from "./CreatedKeyModal";

export function ApiKeysPanel() {
  const keys = useQuery(apiKeysQuery);
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError("Give the key a name");
      return;
    }
    setNameError(null);
    create.mutate(
      { name: name.trim(), expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null },
      {
        onSuccess: (key) => {
          setCreated(key);
          setName("");
          setExpires("");
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 422) {
            setNameError(error.fieldErrors[0]?.msg ?? error.userMessage);
          } else notifyFailure("Could not create the key", error);
        },
      },
    );
  };

  const onRevoke = () => {
    if (!toRevoke) return;
    const key = toRevoke;
    revoke.mutate(key.id, {
      onSuccess: () => notifySuccess("Key revoked", `${key.name} no longer works.`),
      onError: (error) => notifyFailure("Could not revoke the key", error),
      onSettled: () => setToRevoke(null),
    });
  };

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="api-keys-title">
      <Title order={2} size="h4" id="api-keys-title" mb="xs">
        API keys
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Keys let scripts and the CLI act as you. Send one as a bearer token.
      </Text>
      <form onSubmit={onCreate} aria-label="Create an API key">
        <Group align="flex-end" gap="sm" mb="lg" wrap="wrap">
          <TextInput
            label="Key name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            maxLength={100}
            w={260}
          />
          <TextInput
            type="date"
            label="Expires on (optional)"
            value={expires}
            min={localDateAfter(1)}
            onChange={(e) => setExpires(e.currentTarget.value)}
            w={200}
          />
          <Button type="submit" leftSection={<IconKey size={16} aria-hidden />} loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </form>
      {keys.isError && (
        <ErrorState error={keys.error} title="Could not load your keys" onRetry={() => keys.refetch()} />
      )}
      {keys.data && keys.data.length === 0 && (
        <Text size="sm" c="dimmed">
          You have no API keys.
        </Text>
      )}
      {keys.data && keys.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs">
            <caption>
              <VisuallyHidden>Your API keys</VisuallyHidden>
            </caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Key starts with</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">Expires</Table.Th>
                <Table.Th scope="col">Last used</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td ff="monospace">{key.prefix}…</Table.Td>
                  <Table.Td>{formatDateTime(key.created_at)}</Table.Td>
                  <Table.Td>{key.expires_at ? formatDateTime(key.expires_at) : "Never"}</Table.Td>
                  <Table.Td>{key.last_used_at ? formatDateTime(key.last_used_at) : "Never used"}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      color="red"
                      variant="subtle"
                      leftSection={<IconTrash size={14} aria-hidden />}
                      onClick={() => setToRevoke(key)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreatedKeyModal created={created} onClose={() => setCreated(null)} />
      <Modal opened={toRevoke !== null} onClose={() => setToRevoke(null)} title="Revoke this key?" centered>
        <Stack gap="md">
          <Text size="sm">
            Anything using <strong>{toRevoke?.name}</strong> will stop working at once. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToRevoke(null)} data-autofocus>
              Keep key
            </Button>
            <Button color="red" onClick={onRevoke} loading={revoke.isPending}>
              Yes, revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
