import { describe, expect, it } from "vitest";
import type { WorkerInfo } from "@/lib/api-types";
import { ago, sortWorkers, summarise, workerView } from "./workers";

function worker(overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    id: "w-1",
    hostname: "box",
    pid: 100,
    version: "0.1.0",
    role: "worker",
    state: "alive",
    draining: false,
    capacity: 4,
    running: 1,
    workflows: ["demo.sleep"],
    capabilities: [],
    started_at: "2026-12-07T10:00:00Z",
    heartbeat_at: "2026-12-07T10:05:00Z",
    stopped_at: null,
    ...overrides,
  };
}

describe("workerView", () => {
  it("offers drain to a live worker, resume to a draining one, deregister to a gone one only", () => {
    const alive = workerView(worker());
    expect([alive.condition, alive.canDrain, alive.canResume, alive.canDeregister]).toEqual([
      "alive",
      true,
      false,
      false,
    ]);
    const draining = workerView(worker({ draining: true }));
    expect([draining.condition, draining.label, draining.canDrain, draining.canResume]).toEqual([
      "draining",
      "Draining",
      false,
      true,
    ]);
    const gone = workerView(worker({ state: "gone", draining: true }));
    expect([gone.condition, gone.canDrain, gone.canResume, gone.canDeregister]).toEqual([
      "gone",
      false,
      false,
      true,
    ]);
  });

  it("says a late worker is late, and still draining if it was asked to", () => {
    expect(workerView(worker({ state: "late" })).label).toBe("Late");
    const lateDraining = workerView(worker({ state: "late", draining: true }));
    expect([lateDraining.label, lateDraining.canResume, lateDraining.canDeregister]).toEqual([
      "Late, draining",
      true,
      false,
    ]);
  });
});

describe("sortWorkers and summarise", () => {
  const list = [
    worker({ id: "gone", state: "gone", running: 3 }),
    worker({ id: "late", state: "late", running: 2 }),
    worker({ id: "young", started_at: "2026-12-07T11:00:00Z", capacity: 2 }),
    worker({ id: "drained", draining: true, capacity: 8 }),
    worker({ id: "old", started_at: "2026-12-07T09:00:00Z" }),
  ];

  it("lists alive workers first (oldest first), then draining, late and gone", () => {
    expect(sortWorkers(list).map((w) => w.id)).toEqual(["old", "young", "drained", "late", "gone"]);
  });

  it("counts states, the running of live workers and the room of those that take work", () => {
    expect(summarise(list)).toEqual({ alive: 2, draining: 1, late: 1, gone: 1, capacity: 6, running: 5 });
  });
});

describe("ago", () => {
  const now = Date.parse("2026-12-07T10:10:00Z");
  it("reads as a person would say it", () => {
    expect(ago("2026-12-07T10:10:00Z", now)).toBe("just now");
    expect(ago("2026-12-07T10:09:48Z", now)).toBe("12 s ago");
    expect(ago("2026-12-07T10:07:00Z", now)).toBe("3 min ago");
    expect(ago("2026-12-07T08:00:00Z", now)).toBe("2 h ago");
    expect(ago("2026-12-07T10:10:05Z", now)).toBe("just now"); // a clock slightly ahead
  });
});
