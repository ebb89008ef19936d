import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import type { ApiKeyCreated } from "@/lib/api-types";

/** Shows a new key's secret, the only time it is ever visible. */
export function CreatedKeyModal({
  created,
  onClose,
}: {
  created: ApiKeyCreated | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={created !== null} onClose={onClose} title="Your new API key" centered size="lg">
      {created && (
        <Stack gap="md">
          <Alert color="yellow" title="Copy it now">
            This is the only time the key is shown. Store it somewhere safe; if you lose it, revoke it and
            create a new one.
          </Alert>
          <Text size="sm">
            Key <strong>{created.name}</strong>:
          </Text>
          <Code block data-testid="new-api-key" style={{ wordBreak: "break-all" }}>
            {created.key}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.key} timeout={2000}>
              {({ copied, copy }) => (
                <Button
                  onClick={copy}
                  color={copied ? "green" : undefined}
                  leftSection={
                    copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />
                  }
                >
                  {copied ? "Copied" : "Copy key"}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
