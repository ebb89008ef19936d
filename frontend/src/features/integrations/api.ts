import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import {
  type WebhookEventType as EventType,
  type TriggerScheme,
  triggersCreate,
  triggersDelete,
  triggersDeliveries,
  triggersList,
  triggersRotateSecret,
  triggersUpdate,
  webhooksCreate,
  webhooksDelete,
  webhooksDeliveries,
  webhooksList,
  webhooksReplay,
  webhooksResend,
  webhooksRotateSecret,
  webhooksTest,
  webhooksUpdate,
} from "@/client/api";

// Delivery logs change as attempts are made: refresh them while the page is open.
const LOG_REFRESH_MS = 5_000;

export const endpointsQuery = (everyone: boolean) =>
  queryOptions({
    queryKey: ["webhooks", "endpoints", everyone],
    queryFn: async ({ signal }) => {
      const { data } = await webhooksList({ query: { all: everyone }, signal, throwOnError: true });
      return data;
    },
  });

export const deliveriesQuery = (endpointId: string) =>
  queryOptions({
    queryKey: ["webhooks", "deliveries", endpointId],
    queryFn: async ({ signal }) => {
      const { data } = await webhooksDeliveries({
        query: { endpoint_id: endpointId, limit: 50 },
        signal,
        throwOnError: true,
      });
      return data;
    },
    refetchInterval: LOG_REFRESH_MS,
  });

export const operationDeliveriesQuery = (operationId: string) =>
  queryOptions({
    queryKey: ["webhooks", "deliveries", "operation", operationId],
    queryFn: async ({ signal }) => {
      const { data } = await webhooksDeliveries({
        query: { operation_id: operationId },
        signal,
        throwOnError: true,
      });
      return data;
    },
    refetchInterval: LOG_REFRESH_MS,
  });

export const triggersQuery = (everyone: boolean) =>
  queryOptions({
    queryKey: ["triggers", everyone],
    queryFn: async ({ signal }) => {
      const { data } = await triggersList({ query: { all: everyone }, signal, throwOnError: true });
      return data;
    },
  });

export const triggerDeliveriesQuery = (triggerId: string) =>
  queryOptions({
    queryKey: ["triggers", "deliveries", triggerId],
    queryFn: async ({ signal }) => {
      const { data } = await triggersDeliveries({
        path: { trigger_id: triggerId },
        signal,
        throwOnError: true,
      });
      return data;
    },
    refetchInterval: LOG_REFRESH_MS,
  });

function useInvalidating<I, O>(key: string, fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: [key] }) });
}

export function useCreateEndpoint() {
  return useInvalidating(
    "webhooks",
    async (body: { url: string; description: string; event_types: EventType[] }) => {
      const { data } = await webhooksCreate({ body, throwOnError: true });
      return data;
    },
  );
}

export function useEndpointAction() {
  return useInvalidating(
    "webhooks",
    async (input: { id: string; action: "test" | "replay" | "delete" | "enable" | "disable" }) => {
      const path = { endpoint_id: input.id };
      if (input.action === "test") await webhooksTest({ path, throwOnError: true });
      else if (input.action === "replay") await webhooksReplay({ path, throwOnError: true });
      else if (input.action === "delete") await webhooksDelete({ path, throwOnError: true });
      else await webhooksUpdate({ path, body: { enabled: input.action === "enable" }, throwOnError: true });
    },
  );
}

export function useResend() {
  return useInvalidating("webhooks", async (deliveryId: string) => {
    await webhooksResend({ path: { delivery_id: deliveryId }, throwOnError: true });
  });
}

export type NewTriggerInput = {
  name: string;
  workflow: string;
  scheme: TriggerScheme;
  fixed_params: Record<string, unknown>;
  params_mapping: Record<string, string> | null;
};

export function useCreateTrigger() {
  return useInvalidating("triggers", async (body: NewTriggerInput) => {
    const { data } = await triggersCreate({ body, throwOnError: true });
    return data;
  });
}

export function useTriggerAction() {
  return useInvalidating(
    "triggers",
    async (input: { id: string; action: "delete" | "enable" | "disable" }) => {
      const path = { trigger_id: input.id };
      if (input.action === "delete") await triggersDelete({ path, throwOnError: true });
      else await triggersUpdate({ path, body: { enabled: input.action === "enable" }, throwOnError: true });
    },
  );
}

/** A new secret for an endpoint (the old one keeps signing for a day) or a trigger (at once). */
export function useRotateSecret() {
  return useMutation({
    mutationFn: async (input: { kind: "endpoint" | "trigger"; id: string }) => {
      const { data } =
        input.kind === "endpoint"
          ? await webhooksRotateSecret({ path: { endpoint_id: input.id }, throwOnError: true })
          : await triggersRotateSecret({ path: { trigger_id: input.id }, throwOnError: true });
      return data.secret;
    },
  });
}
