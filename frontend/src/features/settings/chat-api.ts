import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import {
  adminChatLinks,
  adminChatRevoke,
  chatChannels,
  chatCreateLinkCode,
  chatLinks,
  chatUnlink,
} from "@/client/api";

export const channelsQuery = queryOptions({
  queryKey: ["chat", "channels"],
  queryFn: async ({ signal }) => {
    const { data } = await chatChannels({ signal, throwOnError: true });
    return data;
  },
  staleTime: 5 * 60_000,
});

export const linksQuery = queryOptions({
  queryKey: ["chat", "links"],
  queryFn: async ({ signal }) => {
    const { data } = await chatLinks({ signal, throwOnError: true });
    return data;
  },
});

export const allLinksQuery = queryOptions({
  queryKey: ["admin", "chat", "links"],
  queryFn: async ({ signal }) => {
    const { data } = await adminChatLinks({ signal, throwOnError: true });
    return data;
  },
});

export function useCreateLinkCode() {
  return useMutation({
    mutationFn: async () => {
      const { data } = await chatCreateLinkCode({ throwOnError: true });
      return data;
    },
  });
}

/** Unlink one of your chats, or (``admin``) revoke anyone's. */
export function useRemoveLink(admin = false) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      if (admin) await adminChatRevoke({ path: { link_id: id }, throwOnError: true });
      else await chatUnlink({ path: { link_id: id }, throwOnError: true });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: linksQuery.queryKey });
      void queryClient.invalidateQueries({ queryKey: allLinksQuery.queryKey });
    },
  });
}
