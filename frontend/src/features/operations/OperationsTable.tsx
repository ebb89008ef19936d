import { Anchor, Progress, Table, Text, VisuallyHidden } from "@mantine/core";
import { Link } from "react-router";
import { StatusBadge } from "@/components/StatusBadge";
import type { Operation } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";
import { formatDateTime, formatDuration, secondsBetween } from "@/lib/format";
import { BlockedReason } from "./BlockedReason";
import { CancelOperation } from "./CancelOperation";

interface Props {
  operations: readonly Operation[];
  caption: string;
  withOwner?: boolean;
  withCancel?: boolean;
}

function duration(op: Operation): string {
  if (!op.started_at) return "—";
  if (!op.finished_at) return "running";
  return formatDuration(secondsBetween(op.started_at, op.finished_at));
}

export function OperationsTable({ operations, caption, withOwner = false, withCancel = false }: Props) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <caption>
          <VisuallyHidden>{caption}</VisuallyHidden>
        </caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Operation</Table.Th>
            <Table.Th scope="col">Workflow</Table.Th>
            {withOwner && <Table.Th scope="col">Owner</Table.Th>}
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Progress</Table.Th>
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Duration</Table.Th>
            {withCancel && (
              <Table.Th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {operations.map((op) => {
            const percent = Math.round(op.progress.percent);
            return (
              <Table.Tr key={op.id} data-operation-id={op.id}>
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={`/operations/${encodeURIComponent(op.id)}`}
                    ff="monospace"
                    size="sm"
                  >
                    {op.id.length > 12 ? `${op.id.slice(0, 8)}…` : op.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{op.workflow}</Text>
                </Table.Td>
                {withOwner && (
                  <Table.Td>
                    <Text size="sm">{op.owner}</Text>
                  </Table.Td>
                )}
                <Table.Td>
                  <StatusBadge status={op.status} />
                  <BlockedReason operation={op} compact />
                </Table.Td>
                <Table.Td miw={120}>
                  <Progress
                    value={percent}
                    size="sm"
                    aria-label={`Progress of ${op.id}`}
                    color={isTerminal(op.status) && op.status !== "completed" ? "gray" : "blue"}
                  />
                  <Text size="xs" c="dimmed">
                    {percent}%
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(op.created_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{duration(op)}</Text>
                </Table.Td>
                {withCancel && (
                  <Table.Td>
                    <CancelOperation operation={op} size="xs" compact />
                  </Table.Td>
                )}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
