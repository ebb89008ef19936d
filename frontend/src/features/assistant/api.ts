import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { chatCreateSession, chatDeleteSession, chatSend, chatSession, chatSessions } from "@/client/api";
import type { ChatSessionDetail } from "@/lib/api-types";

export const chatKeys = {
  sessions: ["chat", "sessions"] as const,
  session: (id: string) => ["chat", "sessions", id] as const,
};

export const sessionsQuery = queryOptions({
  queryKey: chatKeys.sessions,
  queryFn: async ({ signal }) => {
    const { data } = await chatSessions({ signal, throwOnError: true });
    return data;
  },
});

export const sessionQuery = (id: string) =>
  queryOptions({
    queryKey: chatKeys.session(id),
    queryFn: async ({ signal }) => {
      const { data } = await chatSession({ path: { session_id: id }, signal, throwOnError: true });
      return data;
    },
  });

export function useCreateSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { data } = await chatCreateSession({ throwOnError: true });
      return data;
    },
    onSuccess: (session) => {
      queryClient.setQueryData(chatKeys.session(session.id), { ...session, messages: [] });
      void queryClient.invalidateQueries({ queryKey: chatKeys.sessions, exact: true });
    },
  });
}

export function useSendMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { sessionId: string; text: string }) => {
      const { data } = await chatSend({
        path: { session_id: input.sessionId },
        body: { text: input.text },
        throwOnError: true,
      });
      return data;
    },
    onSuccess: (exchange, input) => {
      // Append what the server stored; the next refetch of the session agrees with it.
      queryClient.setQueryData<ChatSessionDetail>(chatKeys.session(input.sessionId), (old) =>
        old ? { ...old, messages: [...old.messages, ...exchange.messages] } : old,
      );
      void queryClient.invalidateQueries({ queryKey: chatKeys.sessions, exact: true });
    },
  });
}

export function useDeleteSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await chatDeleteSession({ path: { session_id: id }, throwOnError: true });
    },
    onSuccess: (_r, id) => {
      queryClient.removeQueries({ queryKey: chatKeys.session(id) });
      void queryClient.invalidateQueries({ queryKey: chatKeys.sessions, exact: true });
    },
  });
}
