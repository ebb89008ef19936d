import { Alert, Button, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconLink } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ErrorState";
import type { ChatChannels } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { notifyFailure } from "@/lib/notify";
import { ChatLinksTable } from "./ChatLinksTable";
import { channelsQuery, linksQuery, useCreateLinkCode } from "./chat-api";

/** "Telegram", "Telegram or WhatsApp", or null when no bot is configured. */
export function botNames(channels: ChatChannels): string | null {
  const names = [channels.telegram && "Telegram", channels.whatsapp && "WhatsApp"].filter(Boolean);
  return names.length ? names.join(" or ") : null;
}

/** Settings → Chat: link a Telegram or WhatsApp chat with a one-time code; unlink chats. */
export function ChatPanel() {
  const channels = useQuery(channelsQuery);
  const links = useQuery(linksQuery);
  const create = useCreateLinkCode();
  const bots = channels.data ? botNames(channels.data) : null;
  const code = create.data;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="chat-title">
      <Title order={2} size="h4" id="chat-title" mb="xs">
        Chat
      </Title>
      <Stack gap="md">
        {channels.data && !bots && (
          <Text size="sm" c="dimmed">
            No chat bot is set up on this server; the Assistant page works without one.
          </Text>
        )}
        {bots && (
          <>
            <Text size="sm" c="dimmed">
              Link a {bots} chat to your account to start, follow and cancel operations from it. Create a
              code, then send it to the bot.
            </Text>
            <Group>
              <Button
                leftSection={<IconLink size={16} aria-hidden />}
                loading={create.isPending}
                onClick={() =>
                  create.mutate(undefined, { onError: (e) => notifyFailure("Could not create a code", e) })
                }
              >
                Create link code
              </Button>
            </Group>
            {code && (
              <Alert title="Your link code" color="blue" variant="light">
                <Text size="sm">
                  Send{" "}
                  <Code fz="md" data-testid="link-command">
                    /link {code.code}
                  </Code>{" "}
                  to the bot. It works once, until {formatDateTime(code.expires_at)}.
                </Text>
              </Alert>
            )}
          </>
        )}
        {links.isError && (
          <ErrorState
            error={links.error}
            title="Could not load your linked chats"
            onRetry={() => links.refetch()}
          />
        )}
        {links.data && <ChatLinksTable links={links.data} />}
      </Stack>
    </Paper>
  );
}
