import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { authToken, usersMe } from "@/client/api";
import { startSession, useToken } from "./session";

export const currentUserQuery = (token: string | null) =>
  queryOptions({
    queryKey: ["me", token],
    queryFn: async ({ signal }) => {
      const { data } = await usersMe({ signal, throwOnError: true });
      return data;
    },
    enabled: token !== null,
    staleTime: 5 * 60_000,
  });

export function useCurrentUser() {
  const token = useToken();
  return useQuery(currentUserQuery(token));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    // The login form shows its errors inline, including rate limiting.
    meta: { silent: true },
    mutationFn: async (credentials: { username: string; password: string }) => {
      const { data } = await authToken({ body: credentials, throwOnError: true });
      return data;
    },
    onSuccess: (token) => {
      // Nothing cached for a previous user may leak into this session.
      queryClient.clear();
      startSession(token.access_token, token.expires_in);
    },
  });
}
