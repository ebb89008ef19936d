import { describe, expect, it } from "vitest";
import { demoRun, makeEvent, makeOperation } from "@/test/factories";
import {
  initialLiveState,
  isFinished,
  type LiveState,
  liveReducer,
  MAX_LOG_LINES,
  MAX_PENDING,
} from "./progress-reducer";

const run = demoRun();

function feed(state: LiveState, ...batches: ReturnType<typeof demoRun>[]) {
  return batches.reduce((s, events) => liveReducer(s, { type: "events", events }), state);
}

const withSnapshot = (lastSeq = 0) =>
  liveReducer(initialLiveState, {
    type: "snapshot",
    operation: makeOperation({ status: lastSeq === 0 ? "queued" : "running", last_seq: lastSeq }),
  });

describe("liveReducer", () => {
  it("applies events in seq order to the operation's status and progress", () => {
    const state = feed(withSnapshot(), run.slice(0, 5));
    expect(state.lastSeq).toBe(5);
    expect(state.operation?.status).toBe("running");
    expect(state.operation?.progress).toMatchObject({
      percent: 50,
      stage: "work",
      stage_index: 1,
      message: "Step 5 of 10",
      eta_s: 5,
    });
    expect(state.operation?.last_seq).toBe(5);
  });

  it("ignores duplicates (a replay after a reconnect changes nothing)", () => {
    const once = feed(withSnapshot(), run.slice(0, 7));
    const twice = feed(once, run.slice(3, 7), [run[5] as (typeof run)[number]]);
    expect(twice.lastSeq).toBe(7);
    expect(twice.log).toHaveLength(1);
    expect(twice.stageMarks).toEqual(once.stageMarks);
    expect(twice.operation).toEqual(once.operation);
  });

  it("buffers early events until the gap is filled, then applies them in order", () => {
    const [e1, e2, e3, e4, e5] = run;
    let state = feed(withSnapshot(), [e1, e2] as typeof run);
    state = feed(state, [e5, e4] as typeof run);
    expect(state.lastSeq).toBe(2);
    expect(state.pending.map((e) => e.seq)).toEqual([4, 5]);
    expect(state.operation?.progress.percent).toBe(0);

    state = feed(state, [e3] as typeof run);
    expect(state.lastSeq).toBe(5);
    expect(state.pending).toEqual([]);
    expect(state.operation?.progress.percent).toBe(50);
    expect(state.stageMarks.map((m) => m.stageIndex)).toEqual([0, 1]);
  });

  it("accepts a seq jump from the live stream (coalesced progress) and keeps going", () => {
    let state = feed(withSnapshot(), run.slice(0, 4));
    // The server coalesced progress event 5 for a slow client: the stream goes 4 -> 6.
    state = liveReducer(state, {
      type: "events",
      events: [run[5] as (typeof run)[number]],
      source: "stream",
    });
    expect(state.lastSeq).toBe(6);
    expect(state.pending).toEqual([]);
    expect(state.log).toHaveLength(1);
    state = liveReducer(state, { type: "events", events: run.slice(6), source: "stream" });
    expect(state.operation?.status).toBe("completed");
    // A late duplicate of the skipped seq is ignored.
    const again = liveReducer(state, {
      type: "events",
      events: [run[4] as (typeof run)[number]],
      source: "stream",
    });
    expect(again).toBe(state);
  });

  it("applies buffered history events before a stream jump", () => {
    let state = feed(withSnapshot(), run.slice(0, 2), [run[3] as (typeof run)[number]]); // 1,2 then 4 (buffered)
    expect(state.pending.map((e) => e.seq)).toEqual([4]);
    state = liveReducer(state, {
      type: "events",
      events: [run[5] as (typeof run)[number]],
      source: "stream",
    });
    expect(state.lastSeq).toBe(6);
    expect(state.pending).toEqual([]);
    expect(state.stageMarks.map((m) => m.stageIndex)).toEqual([1]);
  });

  it("sorts a batch that arrives out of order", () => {
    const state = feed(withSnapshot(), [...run].reverse());
    expect(state.lastSeq).toBe(9);
    expect(state.operation?.status).toBe("completed");
  });

  it("keeps log lines but not as the status message", () => {
    const state = feed(withSnapshot(), run.slice(0, 6));
    expect(state.log.map((e) => e.message)).toEqual(["halfway"]);
    expect(state.operation?.progress.message).toBe("Step 5 of 10");
  });

  it("resumes from a snapshot plus the events after it without rolling back", () => {
    // Reload: GET /events gave 1..4, then the stream sends a snapshot at seq 7 and events 5..9.
    let state = feed(initialLiveState, run.slice(0, 4));
    expect(state.operation).toBeNull();
    expect(state.lastSeq).toBe(4);
    const snapshot = makeOperation({
      last_seq: 7,
      progress: {
        percent: 90,
        stage: "work",
        stage_index: 1,
        total_stages: 3,
        message: "Step 10 of 10",
        eta_s: 1,
      },
    });
    state = liveReducer(state, { type: "snapshot", operation: snapshot });
    expect(state.stateSeq).toBe(7);
    state = feed(state, run.slice(4, 7));
    // Events 5..7 fill the log and the resume point but do not undo the snapshot's newer progress.
    expect(state.lastSeq).toBe(7);
    expect(state.log).toHaveLength(1);
    expect(state.operation?.progress.percent).toBe(90);
    state = feed(state, run.slice(7));
    expect(state.operation?.status).toBe("completed");
    expect(state.operation?.progress.percent).toBe(100);
  });

  it("keeps newer live state when an older REST snapshot arrives late", () => {
    let state = feed(withSnapshot(), run.slice(0, 7));
    state = liveReducer(state, {
      type: "snapshot",
      operation: makeOperation({ status: "running", last_seq: 3, result: null }),
    });
    expect(state.operation?.progress.percent).toBe(90);
    expect(state.operation?.last_seq).toBe(7);
  });

  it("reaches a terminal state: finished time, no ETA, and a final snapshot adds the result", () => {
    let state = feed(withSnapshot(), run);
    expect(isFinished(state)).toBe(true);
    expect(state.terminalTs).toBe(run[8]?.ts);
    expect(state.operation?.finished_at).toBe(run[8]?.ts);
    expect(state.operation?.progress.eta_s).toBeNull();
    state = liveReducer(state, {
      type: "snapshot",
      operation: makeOperation({ status: "completed", last_seq: 9, result: { steps: 10 } }),
    });
    expect(state.operation?.result).toEqual({ steps: 10 });
    expect(state.operation?.status).toBe("completed");
  });

  it("records cancelling then cancelled", () => {
    const events = [
      ...run.slice(0, 5),
      makeEvent(6, 6, { type: "status", status: "cancelling", stage_index: 1, percent: 50 }),
      makeEvent(7, 7, { type: "status", status: "cancelled", stage_index: 1, percent: 50 }),
    ];
    let state = feed(withSnapshot(), events.slice(0, 6));
    expect(state.operation?.status).toBe("cancelling");
    expect(isFinished(state)).toBe(false);
    state = feed(state, events.slice(6));
    expect(state.operation?.status).toBe("cancelled");
    expect(isFinished(state)).toBe(true);
  });

  it("bounds the log it keeps in memory", () => {
    const logs = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) =>
      makeEvent(i + 1, i, { type: "log", message: `line ${i + 1}`, level: "info" }),
    );
    const state = feed(withSnapshot(), logs);
    expect(state.log).toHaveLength(MAX_LOG_LINES);
    expect(state.droppedLogLines).toBe(5);
    expect(state.log[0]?.message).toBe("line 6");
  });

  it("asks for a resync when the buffer overflows instead of stalling, then catches up from it", () => {
    // seq 2 never arrives; 3 .. MAX_PENDING + 12 pile up behind the gap.
    const logs = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) =>
        makeEvent(from + i, from + i, { type: "log", message: `line ${from + i}`, level: "info" }),
      );
    const last = MAX_PENDING + 12;
    let state = feed(withSnapshot(), logs(1, 1));
    state = feed(state, logs(3, MAX_PENDING + 2));
    expect(state.resyncAfter).toBeNull();
    state = feed(state, logs(MAX_PENDING + 3, last));
    expect(state.resyncAfter).toBe(1);
    expect(state.lastSeq).toBe(1);
    // The buffer stays bounded and keeps the events nearest the gap, so they drain first.
    expect(state.pending).toHaveLength(MAX_PENDING);
    expect(state.pending[0]?.seq).toBe(3);

    // GET /events?after_seq=1 brings everything after the gap, including what was dropped.
    state = liveReducer(state, { type: "events", events: logs(2, last), source: "resync" });
    expect(state.resyncAfter).toBeNull();
    expect(state.lastSeq).toBe(last);
    expect(state.pending).toEqual([]);
    expect(state.log.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  it("clears the resync request even when the refetch brings nothing new", () => {
    const events = Array.from({ length: MAX_PENDING + 1 }, (_, i) => makeEvent(i + 3, i));
    let state = feed(withSnapshot(), run.slice(0, 1), events);
    expect(state.resyncAfter).toBe(1);
    state = liveReducer(state, { type: "events", events: [], source: "resync" });
    expect(state.resyncAfter).toBeNull();
  });

  it("resets", () => {
    expect(liveReducer(feed(withSnapshot(), run), { type: "reset" })).toBe(initialLiveState);
  });
});
