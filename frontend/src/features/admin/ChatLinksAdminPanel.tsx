import { Paper, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ErrorState";
import { ChatLinksTable } from "@/features/settings/ChatLinksTable";
import { allLinksQuery } from "@/features/settings/chat-api";

/** Every Telegram and WhatsApp chat linked to an account, each revocable. */
export function ChatLinksAdminPanel() {
  const links = useQuery(allLinksQuery);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="chat-links-title">
      <Title order={2} size="h4" id="chat-links-title" mb="xs">
        Linked chats
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        A linked chat acts as its user. Revoking takes effect at the chat's next message.
      </Text>
      {links.isError && (
        <ErrorState
          error={links.error}
          title="Could not load the linked chats"
          onRetry={() => links.refetch()}
        />
      )}
      {links.data && <ChatLinksTable links={links.data} admin />}
    </Paper>
  );
}
