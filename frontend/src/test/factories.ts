import type { Operation, OperationEvent } from "@/lib/api-types";

export function makeOperation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: "op-1",
    workflow: "demo.sleep",
    status: "running",
    priority: "normal",
    owner: "alice",
    params: {},
    metadata: {},
    callback_url: null,
    progress: { percent: 0, stage: null, stage_index: null, total_stages: 3, message: null, eta_s: null },
    queue_position: null,
    timeout_s: 3600,
    created_at: "2026-01-01T10:00:00Z",
    started_at: "2026-01-01T10:00:01Z",
    finished_at: null,
    result: null,
    error: null,
    artifacts: [],
    last_seq: 0,
    attempt: 1,
    blocked_reason: null,
    ...overrides,
  };
}

/** Event `seq` at `t` seconds after 10:00:00. */
export function makeEvent(seq: number, t: number, overrides: Partial<OperationEvent> = {}): OperationEvent {
  const ts = new Date(Date.UTC(2026, 0, 1, 10, 0, 0) + t * 1000).toISOString();
  return {
    seq,
    operation_id: "op-1",
    type: "progress",
    status: "running",
    percent: 0,
    stage: null,
    stage_index: null,
    total_stages: 3,
    message: null,
    eta_s: null,
    level: null,
    ts,
    ...overrides,
  };
}

/** A typical run of demo.sleep: queued, running, three stages with progress and a log, completed. */
export function demoRun(): OperationEvent[] {
  return [
    makeEvent(1, 0, { type: "status", status: "queued", message: "Queued" }),
    makeEvent(2, 1, { type: "status", status: "running" }),
    makeEvent(3, 1, { type: "stage", stage: "prepare", stage_index: 0, percent: 0, message: "Preparing" }),
    makeEvent(4, 3, { type: "stage", stage: "work", stage_index: 1, percent: 10 }),
    makeEvent(5, 5, {
      type: "progress",
      stage: "work",
      stage_index: 1,
      percent: 50,
      message: "Step 5 of 10",
      eta_s: 5,
    }),
    makeEvent(6, 6, {
      type: "log",
      stage: "work",
      stage_index: 1,
      percent: 50,
      message: "halfway",
      level: "info",
    }),
    makeEvent(7, 8, {
      type: "progress",
      stage: "work",
      stage_index: 1,
      percent: 90,
      message: "Step 10 of 10",
      eta_s: 1,
    }),
    makeEvent(8, 11, { type: "stage", stage: "finish", stage_index: 2, percent: 90, message: "Finishing" }),
    makeEvent(9, 12, { type: "status", status: "completed", stage: "finish", stage_index: 2, percent: 100 }),
  ];
}
