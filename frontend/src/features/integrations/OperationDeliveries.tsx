import { Badge, Table } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { operationDeliveriesQuery } from "./api";

/** An operation's webhook deliveries (its endpoints' and its callback_url's), in a section of the
 * operation page; nothing at all when it has none (or they cannot be read: they are secondary). */
export function OperationDeliveries({
  operationId,
  section,
}: {
  operationId: string;
  section: (title: string, children: ReactNode) => ReactNode;
}) {
  const deliveries = useQuery(operationDeliveriesQuery(operationId));
  const rows = deliveries.data ?? [];
  if (rows.length === 0) return null;
  return section(
    "Webhooks",
    <Table striped aria-label="Webhook deliveries">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          <Table.Th>Sent to</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Attempts</Table.Th>
          <Table.Th>Last answer</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>{d.event_type}</Table.Td>
            <Table.Td style={{ wordBreak: "break-all" }}>{d.url}</Table.Td>
            <Table.Td>
              <Badge color={d.status === "succeeded" ? "green" : d.status === "failed" ? "red" : "blue"}>
                {d.status}
              </Badge>
            </Table.Td>
            <Table.Td>{d.attempts}</Table.Td>
            <Table.Td>{d.last_status_code ?? d.last_error ?? "-"}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>,
  );
}
