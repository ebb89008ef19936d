import { Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useState } from "react";
import type { Artifact } from "@/lib/api-types";
import { formatBytes } from "@/lib/format";
import { notifyFailure } from "@/lib/notify";
import { downloadArtifact } from "./api";

export function ArtifactList({
  operationId,
  artifacts,
}: {
  operationId: string;
  artifacts: readonly Artifact[];
}) {
  const [busy, setBusy] = useState<string | null>(null);
  if (artifacts.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No files were produced.
      </Text>
    );
  }
  const download = async (name: string) => {
    setBusy(name);
    try {
      await downloadArtifact(operationId, name);
    } catch (error) {
      notifyFailure(`Could not download ${name}`, error);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>File</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {artifacts.map((a) => (
            <Table.Tr key={a.name}>
              <Table.Td>{a.name}</Table.Td>
              <Table.Td>{a.media_type}</Table.Td>
              <Table.Td>{formatBytes(a.size)}</Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconDownload size={14} aria-hidden />}
                  loading={busy === a.name}
                  onClick={() => download(a.name)}
                  aria-label={`Download ${a.name}`}
                >
                  Download
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
