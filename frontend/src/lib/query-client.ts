import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { notifyApiError } from "@/lib/notify";
import { ApiError } from "@/lib/problem";

function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError) {
    // Client errors will not fix themselves; rate limits are toasted instead of hammered.
    if (error.kind === "http" && error.status < 500) return false;
  }
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      // Queries show their own inline error states; only actionable transient errors get a toast.
      onError: (error) => notifyApiError(error),
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (mutation.meta?.silent) return;
        notifyApiError(error);
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

declare module "@tanstack/react-query" {
  interface Register {
    mutationMeta: { silent?: boolean };
  }
}
