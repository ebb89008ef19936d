import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";

export type ShownSecret = { title: string; label: string; secret: string; example?: string };

function CopyAction({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Button
          onClick={copy}
          variant={copied ? "filled" : "light"}
          color={copied ? "green" : undefined}
          leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
        >
          {copied ? "Copied" : label}
        </Button>
      )}
    </CopyButton>
  );
}

/** A new signing secret, the only time it is visible, with a ready-to-run example when given. */
export function SecretModal({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <Modal opened={shown !== null} onClose={onClose} title={shown?.title} centered size="xl">
      {shown && (
        <Stack gap="md">
          <Alert color="yellow" title="Copy it now">
            This is the only time the secret is shown. If you lose it, rotate it.
          </Alert>
          <Text size="sm">{shown.label}</Text>
          <Code block data-testid="new-secret" style={{ wordBreak: "break-all" }}>
            {shown.secret}
          </Code>
          {shown.example && (
            <>
              <Text size="sm">Try it (the signature is computed when you run it):</Text>
              <Code block data-testid="curl-example">
                {shown.example}
              </Code>
            </>
          )}
          <Group justify="space-between">
            <Group>
              <CopyAction value={shown.secret} label="Copy secret" />
              {shown.example && <CopyAction value={shown.example} label="Copy curl example" />}
            </Group>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
