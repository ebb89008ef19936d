// Recognises the server's messages on the operation and admin streams (types generated from shared-schema/ws).
import type { EventMessage, SnapshotMessage } from "@/client/ws";

export type ServerMessage = SnapshotMessage | EventMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** A snapshot or an event; null for pongs and for anything a newer server may add. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (!isObject(data)) return null;
  if (data.type === "snapshot" && isObject(data.operation)) return data as unknown as SnapshotMessage;
  if (data.type === "event" && isObject(data.event) && typeof data.event.seq === "number") {
    return data as unknown as EventMessage;
  }
  return null;
}
