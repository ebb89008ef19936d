import {
  ActionIcon,
  Box,
  Button,
  Grid,
  Group,
  NavLink,
  Paper,
  ScrollArea,
  Stack,
  Text,
  Textarea,
  VisuallyHidden,
} from "@mantine/core";
import { IconMessagePlus, IconSend, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ErrorState } from "@/components/ErrorState";
import { PageHeader } from "@/components/PageHeader";
import { formatDateTime } from "@/lib/format";
import { notifyFailure } from "@/lib/notify";
import { sessionQuery, sessionsQuery, useCreateSession, useDeleteSession, useSendMessage } from "./api";
import { ChatOperationCard } from "./ChatOperationCard";
import { messageToSend, sendsOnKey, transcript } from "./transcript";

const WELCOME =
  "Ask me to run a workflow, e.g. /run demo.sleep steps=5 step_s=0.5, or send /help for the commands.";

function SessionList({ current }: { current: string | undefined }) {
  const sessions = useQuery(sessionsQuery);
  const navigate = useNavigate();
  const remove = useDeleteSession();
  if (sessions.isError) {
    return (
      <ErrorState
        error={sessions.error}
        title="Could not load your chats"
        onRetry={() => sessions.refetch()}
      />
    );
  }
  return (
    <Stack gap={4} component="nav" aria-label="Your chats">
      <Button
        variant="light"
        leftSection={<IconMessagePlus size={16} aria-hidden />}
        onClick={() => navigate("/assistant")}
        mb="xs"
      >
        New chat
      </Button>
      {sessions.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          No chats yet.
        </Text>
      )}
      {sessions.data?.map((s) => (
        <Group key={s.id} gap={4} wrap="nowrap">
          <NavLink
            component={Link}
            to={`/assistant/${s.id}`}
            active={s.id === current}
            label={s.title ?? "New chat"}
            // Body-coloured: the theme's dimmed blue on the active link's tint falls short of AA contrast.
            description={
              <Text span size="xs" c="var(--mantine-color-text)">
                {formatDateTime(s.updated_at)}
              </Text>
            }
            style={{ flex: 1, minWidth: 0 }}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Delete chat ${s.title ?? ""}`.trim()}
            onClick={() =>
              remove.mutate(s.id, {
                onSuccess: () => {
                  if (s.id === current) navigate("/assistant");
                },
                onError: (error) => notifyFailure("Could not delete the chat", error),
              })
            }
          >
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
    </Stack>
  );
}

function Transcript({ sessionId }: { sessionId: string }) {
  const session = useQuery(sessionQuery(sessionId));
  const send = useSendMessage();
  const bottom = useRef<HTMLDivElement>(null);
  const count = session.data?.messages.length ?? 0;
  useEffect(() => {
    if (count) bottom.current?.scrollIntoView?.({ block: "end" });
  }, [count]);
  if (session.isError) {
    return (
      <ErrorState error={session.error} title="Could not load this chat" onRetry={() => session.refetch()} />
    );
  }
  const entries = transcript(session.data?.messages ?? []);
  return (
    <Stack gap="sm" role="log" aria-label="Conversation" aria-live="polite">
      {entries.length === 0 && (
        <Text size="sm" c="dimmed">
          {WELCOME}
        </Text>
      )}
      {entries.map(({ message, operationIds, buttons }) => (
        <Box
          key={message.id}
          style={{ alignSelf: message.role === "user" ? "flex-end" : "flex-start", maxWidth: "85%" }}
          data-role={message.role}
        >
          <VisuallyHidden>{message.role === "user" ? "You said:" : "Assistant:"}</VisuallyHidden>
          {operationIds.length > 0 ? (
            <Stack gap="xs" miw={280}>
              {operationIds.map((id) => (
                <ChatOperationCard key={id} id={id} />
              ))}
            </Stack>
          ) : (
            <Paper
              p="sm"
              radius="md"
              withBorder={message.role === "assistant"}
              bg={message.role === "user" ? "var(--mantine-primary-color-light)" : undefined}
            >
              <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {message.text}
              </Text>
            </Paper>
          )}
          {buttons.length > 0 && (
            <Group gap="xs" mt={6}>
              {buttons.map((b) => (
                <Button
                  key={b.command}
                  size="xs"
                  variant="light"
                  loading={send.isPending}
                  onClick={() =>
                    send.mutate(
                      { sessionId, text: b.command },
                      { onError: (error) => notifyFailure("Could not send", error) },
                    )
                  }
                >
                  {b.label}
                </Button>
              ))}
            </Group>
          )}
        </Box>
      ))}
      <div ref={bottom} />
    </Stack>
  );
}

function Composer({ sessionId }: { sessionId: string | undefined }) {
  const [text, setText] = useState("");
  const send = useSendMessage();
  const create = useCreateSession();
  const navigate = useNavigate();
  const busy = send.isPending || create.isPending;

  const submit = async () => {
    const message = messageToSend(text);
    if (!message || busy) return;
    try {
      const id = sessionId ?? (await create.mutateAsync()).id;
      await send.mutateAsync({ sessionId: id, text: message });
      setText("");
      if (!sessionId) navigate(`/assistant/${id}`);
    } catch (error) {
      notifyFailure("Could not send your message", error);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (sendsOnKey({ key: e.key, shiftKey: e.shiftKey, isComposing: e.nativeEvent.isComposing })) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form onSubmit={onSubmit} aria-label="Send a message">
      <Group align="flex-end" gap="sm" wrap="nowrap">
        <Textarea
          label="Message"
          placeholder="/run demo.sleep steps=5 — or /help"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          autosize
          minRows={1}
          maxRows={6}
          maxLength={4000}
          style={{ flex: 1 }}
        />
        <Button type="submit" leftSection={<IconSend size={16} aria-hidden />} loading={busy}>
          Send
        </Button>
      </Group>
    </form>
  );
}

export function AssistantPage() {
  const { sessionId } = useParams();
  return (
    <>
      <PageHeader
        title="Assistant"
        description="Start, follow and cancel operations by chatting. Your chats are kept on the server."
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <SessionList current={sessionId} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Paper withBorder radius="md" p="md">
            <Stack gap="md">
              <ScrollArea.Autosize mah="60vh" type="auto">
                {sessionId ? (
                  <Transcript sessionId={sessionId} />
                ) : (
                  <Text size="sm" c="dimmed">
                    {WELCOME}
                  </Text>
                )}
              </ScrollArea.Autosize>
              <Composer key={sessionId ?? "new"} sessionId={sessionId} />
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}
