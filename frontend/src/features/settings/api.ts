import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiKeysCreate, apiKeysList, apiKeysRevoke } from "@/client/api";

export const apiKeysQuery = queryOptions({
  queryKey: ["api-keys"],
  queryFn: async ({ signal }) => {
    const { data } = await apiKeysList({ signal, throwOnError: true });
    return data;
  },
});

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; expires_at: string | null }) => {
      const { data } = await apiKeysCreate({
        body: { name: input.name, expires_at: input.expires_at },
        throwOnError: true,
      });
      return data;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQuery.queryKey }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await apiKeysRevoke({ path: { key_id: id }, throwOnError: true });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQuery.queryKey }),
  });
}
