import { describe, expect, it } from "vitest";
import { makeEvent, makeOperation } from "@/test/factories";
import { applyRowEvent, applyRowSnapshot, type LiveRows, withLive } from "./live-rows";

const listed = makeOperation({
  id: "op-1",
  status: "running",
  last_seq: 4,
  progress: { percent: 40, stage: "work", stage_index: 1, total_stages: 3, message: "Step 4", eta_s: 6 },
});

describe("live rows", () => {
  it("overlays newer stream events on the listed operation", () => {
    let rows: LiveRows = new Map();
    rows = applyRowEvent(rows, makeEvent(5, 5, { percent: 50, message: "Step 5" }));
    expect(withLive(listed, rows)).toMatchObject({
      status: "running",
      last_seq: 5,
      progress: { percent: 50, message: "Step 5", stage: "work", eta_s: 6 },
    });
    rows = applyRowEvent(rows, makeEvent(6, 6, { type: "status", status: "completed", percent: 100 }));
    expect(withLive(listed, rows).status).toBe("completed");
  });

  it("gives a row listed while queued the start and end times its stream saw", () => {
    const queued = makeOperation({ status: "queued", started_at: null, last_seq: 1 });
    let rows = applyRowEvent(new Map(), makeEvent(2, 1, { type: "status", status: "running" }));
    rows = applyRowEvent(rows, makeEvent(3, 2, { percent: 50 }));
    expect(withLive(queued, rows)).toMatchObject({
      started_at: "2026-01-01T10:00:01.000Z",
      finished_at: null,
    });
    rows = applyRowEvent(rows, makeEvent(4, 9, { type: "status", status: "completed", percent: 100 }));
    expect(withLive(queued, rows)).toMatchObject({
      status: "completed",
      started_at: "2026-01-01T10:00:01.000Z",
      finished_at: "2026-01-01T10:00:09.000Z",
    });
  });

  it("ignores events that are not newer, and keeps the message over a log line", () => {
    let rows = applyRowEvent(new Map(), makeEvent(5, 5, { percent: 50, message: "Step 5" }));
    expect(applyRowEvent(rows, makeEvent(5, 5, { percent: 99 }))).toBe(rows);
    expect(applyRowEvent(rows, makeEvent(3, 3, { percent: 30 }))).toBe(rows);
    rows = applyRowEvent(rows, makeEvent(6, 6, { type: "log", message: "a log line", percent: 50 }));
    expect(rows.get("op-1")?.message).toBe("Step 5");
  });

  it("takes a snapshot unless the row already saw newer events", () => {
    let rows = applyRowSnapshot(new Map(), { ...listed, last_seq: 7, status: "cancelling" });
    expect(rows.get("op-1")).toEqual({
      status: "cancelling",
      percent: 40,
      message: "Step 4",
      seq: 7,
      startedAt: listed.started_at,
      finishedAt: null,
    });
    const older = applyRowSnapshot(rows, { ...listed, last_seq: 6, status: "running" });
    expect(older).toBe(rows);
    rows = applyRowEvent(rows, makeEvent(8, 8, { type: "status", status: "cancelled", percent: 40 }));
    expect(withLive(listed, rows).status).toBe("cancelled");
  });

  it("keeps the list's row when it is newer than anything the stream said", () => {
    const rows = applyRowEvent(new Map(), makeEvent(3, 3, { percent: 30 }));
    expect(withLive(listed, rows)).toBe(listed);
    expect(withLive(listed, new Map())).toBe(listed);
  });
});
