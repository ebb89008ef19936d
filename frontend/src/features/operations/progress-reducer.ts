/*
 * Live state of one operation, built from a snapshot plus its numbered events (pure, no I/O).
 *
 * Rules:
 * - events are applied strictly in `seq` order; a seq already applied is a duplicate and ignored;
 * - an event that arrives early (seq > lastSeq + 1) is buffered until the gap is filled, then applied;
 * - except from the live stream ("stream" batches): one connection delivers in order, and a seq jump
 *   there means the server coalesced progress events for a slow client (status, stage and log events
 *   are never dropped), so the jump is accepted rather than waited on;
 * - `lastSeq` is the highest seq applied without a gap: the resume point for `after_seq`;
 * - the buffer is bounded: past MAX_PENDING the events farthest from the gap are dropped and
 *   `resyncAfter` asks the owner to fetch everything after `lastSeq` over REST ("resync" batch),
 *   which fills the gap, whatever was dropped, and clears the request;
 * - a snapshot carries the operation as of its `last_seq`; events at or below that seq still feed the
 *   log and the stage timeline but never roll the status or progress back.
 */
import type { Operation, OperationEvent } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";

/** Most recent log lines kept in memory; older ones are counted, not kept. */
export const MAX_LOG_LINES = 2000;
/** Early events buffered at most; beyond this the log must be fetched again from the gap (resync). */
export const MAX_PENDING = 500;

export interface StageMark {
  stageIndex: number;
  ts: string;
}

export interface LiveState {
  operation: Operation | null;
  lastSeq: number;
  /** The seq that `operation`'s status and progress reflect. */
  stateSeq: number;
  /** Log events, seq order. */
  log: OperationEvent[];
  droppedLogLines: number;
  /** Stage entries in order (a stage may be re-entered). */
  stageMarks: StageMark[];
  /** When the terminal status event happened, if seen. */
  terminalTs: string | null;
  /** Buffered early events, sorted by seq. */
  pending: OperationEvent[];
  /** Set when the buffer overflowed: fetch the events after this seq and apply them as "resync". */
  resyncAfter: number | null;
}

/** Where a batch of events comes from. */
export type EventSource = "history" | "stream" | "resync";

export type LiveAction =
  | { type: "reset" }
  | { type: "snapshot"; operation: Operation }
  | { type: "events"; events: readonly OperationEvent[]; source?: EventSource };

export const initialLiveState: LiveState = {
  operation: null,
  lastSeq: 0,
  stateSeq: 0,
  log: [],
  droppedLogLines: 0,
  stageMarks: [],
  terminalTs: null,
  pending: [],
  resyncAfter: null,
};

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case "reset":
      return initialLiveState;
    case "snapshot":
      return applySnapshot(state, action.operation);
    case "events":
      return applyEvents(state, action.events, action.source ?? "history");
  }
}

function applySnapshot(state: LiveState, snapshot: Operation): LiveState {
  const current = state.operation;
  const snapshotSeq = snapshot.last_seq;
  if (current && snapshotSeq < state.stateSeq) {
    // An older view (e.g. a REST response that raced the stream): keep our newer status and progress.
    return {
      ...state,
      operation: {
        ...snapshot,
        status: current.status,
        progress: current.progress,
        last_seq: current.last_seq,
        started_at: current.started_at ?? snapshot.started_at,
        finished_at: current.finished_at ?? snapshot.finished_at,
      },
    };
  }
  return { ...state, operation: snapshot, stateSeq: snapshotSeq };
}

function applyEvents(state: LiveState, incoming: readonly OperationEvent[], source: EventSource): LiveState {
  // A resync answers the overflow even when it brings nothing new (the request must not linger).
  const resynced = source === "resync" && state.resyncAfter !== null;
  if (incoming.length === 0) return resynced ? { ...state, resyncAfter: null } : state;
  const acceptJumps = source === "stream";
  let next: LiveState = {
    ...state,
    log: state.log,
    stageMarks: state.stageMarks,
    pending: [...state.pending],
  };
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  let changed = resynced;
  if (resynced) next.resyncAfter = null;
  for (const event of sorted) {
    if (event.seq <= next.lastSeq) continue; // duplicate (e.g. after a reconnect)
    changed = true;
    if (event.seq === next.lastSeq + 1) {
      next = applyOne(next, event);
      next = drainPending(next);
    } else if (acceptJumps) {
      // Buffered events before this one go first, in order; then the jump.
      while (next.pending[0] !== undefined && next.pending[0].seq < event.seq) {
        const early = next.pending.shift() as OperationEvent;
        if (early.seq > next.lastSeq) next = applyOne(next, early);
      }
      next = applyOne(next, event);
      next = drainPending(next);
    } else if (!next.pending.some((p) => p.seq === event.seq)) {
      next.pending.push(event);
      next.pending.sort((a, b) => a.seq - b.seq);
      if (next.pending.length > MAX_PENDING) {
        // Keep the events nearest the gap (they drain first); the resync brings back the others.
        next.pending.pop();
        next.resyncAfter ??= next.lastSeq;
      }
    }
  }
  // Nothing new (all duplicates): keep the same object so that React skips the render.
  return changed ? next : state;
}

function drainPending(state: LiveState): LiveState {
  let next = state;
  while (next.pending.length > 0) {
    const head = next.pending[0];
    if (head === undefined) break;
    if (head.seq <= next.lastSeq) {
      next.pending.shift();
      continue;
    }
    if (head.seq !== next.lastSeq + 1) break;
    next.pending.shift();
    next = applyOne(next, head);
  }
  return next;
}

function applyOne(state: LiveState, event: OperationEvent): LiveState {
  let { log, droppedLogLines, stageMarks, terminalTs, operation, stateSeq } = state;

  if (event.type === "log") {
    log = [...log, event];
    if (log.length > MAX_LOG_LINES) {
      droppedLogLines += log.length - MAX_LOG_LINES;
      log = log.slice(log.length - MAX_LOG_LINES);
    }
  }

  const stageIndex = event.stage_index;
  const lastMark = stageMarks[stageMarks.length - 1];
  if (stageIndex !== null && (lastMark === undefined || lastMark.stageIndex !== stageIndex)) {
    stageMarks = [...stageMarks, { stageIndex, ts: event.ts }];
  }

  if (event.type === "status" && isTerminal(event.status) && terminalTs === null) {
    terminalTs = event.ts;
  }

  if (operation && event.seq > stateSeq) {
    operation = applyToOperation(operation, event);
    stateSeq = event.seq;
  }

  return { ...state, lastSeq: event.seq, log, droppedLogLines, stageMarks, terminalTs, operation, stateSeq };
}

function applyToOperation(op: Operation, event: OperationEvent): Operation {
  const terminal = isTerminal(event.status);
  return {
    ...op,
    status: event.status,
    last_seq: event.seq,
    queue_position: event.status === "queued" ? op.queue_position : null,
    started_at:
      op.started_at ?? (event.status === "running" && event.type === "status" ? event.ts : op.started_at),
    finished_at: op.finished_at ?? (terminal ? event.ts : null),
    progress: {
      percent: event.percent ?? op.progress.percent,
      stage: event.stage ?? op.progress.stage,
      stage_index: event.stage_index ?? op.progress.stage_index,
      total_stages: event.total_stages || op.progress.total_stages,
      // A log line is not the operation's status message.
      message: event.type === "log" ? op.progress.message : event.message,
      eta_s: terminal ? null : event.eta_s,
    },
  };
}

export function isFinished(state: LiveState): boolean {
  return state.operation !== null && isTerminal(state.operation.status);
}
