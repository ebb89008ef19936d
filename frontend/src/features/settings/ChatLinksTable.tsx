import { Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconUnlink } from "@tabler/icons-react";
import type { ChatLink } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { notifyFailure, notifySuccess } from "@/lib/notify";
import { useRemoveLink } from "./chat-api";

const CHANNEL_NAMES: Record<ChatLink["channel"], string> = {
  telegram: "Telegram",
  whatsapp: "WhatsApp",
  web: "Web",
};

/** Linked chats with an Unlink (or, for administrators, Revoke) button each. */
export function ChatLinksTable({ links, admin = false }: { links: ChatLink[]; admin?: boolean }) {
  const remove = useRemoveLink(admin);
  const verb = admin ? "Revoke" : "Unlink";
  if (links.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {admin ? "No chat is linked to any account." : "No chat is linked to your account."}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs">
        <caption>
          <VisuallyHidden>{admin ? "Every linked chat" : "Your linked chats"}</VisuallyHidden>
        </caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Channel</Table.Th>
            <Table.Th scope="col">Chat</Table.Th>
            {admin && <Table.Th scope="col">User</Table.Th>}
            <Table.Th scope="col">Linked</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {links.map((link) => {
            const name = `${CHANNEL_NAMES[link.channel]} ${link.display_name ?? link.chat_id}`;
            return (
              <Table.Tr key={link.id}>
                <Table.Td>{CHANNEL_NAMES[link.channel]}</Table.Td>
                <Table.Td>{link.display_name ?? link.chat_id}</Table.Td>
                {admin && <Table.Td>{link.username}</Table.Td>}
                <Table.Td>{formatDateTime(link.created_at)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    color="red"
                    variant="subtle"
                    leftSection={<IconUnlink size={14} aria-hidden />}
                    aria-label={`${verb} ${name}`}
                    loading={remove.isPending && remove.variables === link.id}
                    onClick={() =>
                      remove.mutate(link.id, {
                        onSuccess: () =>
                          notifySuccess(
                            admin ? "Link revoked" : "Chat unlinked",
                            `${name} no longer acts as ${admin ? link.username : "you"}.`,
                          ),
                        onError: (error) => notifyFailure(`Could not ${verb.toLowerCase()} the chat`, error),
                      })
                    }
                  >
                    {verb}
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
