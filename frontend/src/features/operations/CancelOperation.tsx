import { Button, Group, Modal, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconPlayerStop } from "@tabler/icons-react";
import type { Operation } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";
import { notifyFailure } from "@/lib/notify";
import { isApiError } from "@/lib/problem";
import { useCancelOperation } from "./api";

interface Props {
  operation: Pick<Operation, "id" | "status" | "workflow">;
  size?: "xs" | "sm";
  /** Shorter label for table rows; the accessible name keeps the operation's id. */
  compact?: boolean;
}

/** "Cancel operation" with a confirmation dialog; the new status then arrives through the stream. */
export function CancelOperation({ operation, size = "sm", compact = false }: Props) {
  const [opened, { open, close }] = useDisclosure(false);
  const cancel = useCancelOperation();
  if (isTerminal(operation.status)) return null;
  const cancelling = operation.status === "cancelling";

  const confirm = () => {
    cancel.mutate(operation.id, {
      onSettled: close,
      onError: (error) => {
        // 409: it finished meanwhile; the stream shows the final state.
        if (!isApiError(error, 409)) notifyFailure("Could not cancel the operation", error);
      },
    });
  };

  return (
    <>
      <Button
        color="red"
        variant="light"
        size={size}
        leftSection={<IconPlayerStop size={16} aria-hidden />}
        onClick={open}
        disabled={cancelling}
        aria-label={compact ? `Cancel operation ${operation.id}` : undefined}
      >
        {cancelling ? "Cancelling…" : compact ? "Cancel" : "Cancel operation"}
      </Button>
      <Modal opened={opened} onClose={close} title="Cancel this operation?" centered>
        <Text size="sm" mb="lg">
          The {operation.workflow} operation will stop at its next checkpoint. Work already done may be lost.
          This cannot be undone.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Keep running
          </Button>
          <Button color="red" onClick={confirm} loading={cancel.isPending}>
            Yes, cancel
          </Button>
        </Group>
      </Modal>
    </>
  );
}
