// Parses server messages of the operation and admin streams into the app's (REST) types.
import type {
  EventMessage,
  SnapshotMessage,
  OperationEvent as WsEvent,
  Operation as WsOperation,
} from "@/client/ws";
import type { Operation, OperationEvent } from "@/lib/api-types";

export type ServerMessage =
  | { type: "snapshot"; operation: Operation }
  | { type: "event"; event: OperationEvent };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function toOperation(op: WsOperation): Operation {
  return {
    ...op,
    progress: {
      percent: op.progress.percent ?? 0,
      stage: op.progress.stage ?? null,
      stage_index: op.progress.stage_index ?? null,
      total_stages: op.progress.total_stages ?? 0,
      message: op.progress.message ?? null,
      eta_s: op.progress.eta_s ?? null,
    },
    queue_position: op.queue_position ?? null,
    started_at: op.started_at ?? null,
    finished_at: op.finished_at ?? null,
    result: op.result ?? null,
    error: op.error ?? null,
    artifacts: op.artifacts ?? [],
    last_seq: op.last_seq ?? 0,
    attempt: op.attempt ?? 1,
  };
}

export function toEvent(ev: WsEvent): OperationEvent {
  return {
    ...ev,
    percent: ev.percent ?? 0,
    stage: ev.stage ?? null,
    stage_index: ev.stage_index ?? null,
    total_stages: ev.total_stages ?? 0,
    message: ev.message ?? null,
    eta_s: ev.eta_s ?? null,
    level: ev.level ?? null,
  };
}

export function parseServerMessage(data: unknown): ServerMessage | null {
  if (!isObject(data)) return null;
  if (data.type === "snapshot" && isObject(data.operation)) {
    return { type: "snapshot", operation: toOperation((data as unknown as SnapshotMessage).operation) };
  }
  if (data.type === "event" && isObject(data.event) && typeof data.event.seq === "number") {
    return { type: "event", event: toEvent((data as unknown as EventMessage).event) };
  }
  return null;
}
