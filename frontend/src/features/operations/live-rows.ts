// Live status for table rows: the fields a stream event changes, keyed by operation id (pure helpers).
import type { Operation, OperationEvent } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";

export interface LiveRow {
  status: Operation["status"];
  percent: number;
  message: string | null;
  seq: number;
  /** When a stream saw it start and finish: the list's row, loaded earlier, has neither. */
  startedAt: string | null;
  finishedAt: string | null;
}

export type LiveRows = ReadonlyMap<string, LiveRow>;

/** Applies one event; older or repeated events (seq not newer) leave the row alone. */
export function applyRowEvent(rows: LiveRows, event: OperationEvent): LiveRows {
  const current = rows.get(event.operation_id);
  if (current && event.seq <= current.seq) return rows;
  const next = new Map(rows);
  next.set(event.operation_id, {
    status: event.status,
    percent: event.percent,
    message: event.type === "log" ? (current?.message ?? null) : event.message,
    seq: event.seq,
    startedAt:
      current?.startedAt ?? (event.type === "status" && event.status === "running" ? event.ts : null),
    finishedAt:
      event.type === "status" && isTerminal(event.status) ? event.ts : (current?.finishedAt ?? null),
  });
  return next;
}

export function applyRowSnapshot(rows: LiveRows, op: Operation): LiveRows {
  const current = rows.get(op.id);
  if (current && op.last_seq < current.seq) return rows;
  const next = new Map(rows);
  next.set(op.id, {
    status: op.status,
    percent: op.progress.percent,
    message: op.progress.message,
    seq: op.last_seq,
    startedAt: op.started_at ?? null,
    finishedAt: op.finished_at ?? null,
  });
  return next;
}

/** The row as displayed: the list's data overlaid with anything newer from a stream. */
export function withLive(op: Operation, rows: LiveRows): Operation {
  const live = rows.get(op.id);
  if (!live || live.seq < op.last_seq) return op;
  return {
    ...op,
    status: live.status,
    last_seq: live.seq,
    started_at: op.started_at ?? live.startedAt,
    finished_at: op.finished_at ?? live.finishedAt,
    progress: { ...op.progress, percent: live.percent, message: live.message },
  };
}
