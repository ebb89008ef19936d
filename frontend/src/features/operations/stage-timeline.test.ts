import { describe, expect, it } from "vitest";
import type { Stage } from "@/lib/api-types";
import { demoRun, makeEvent, makeOperation } from "@/test/factories";
import { initialLiveState, liveReducer } from "./progress-reducer";
import { buildStageTimeline } from "./stage-timeline";

const stages: Stage[] = [
  { name: "prepare", description: "Get ready", weight: 1, expected_duration_s: 0.1 },
  { name: "work", description: "Sleep step by step", weight: 8, expected_duration_s: null },
  { name: "finish", description: "Wrap up", weight: 1, expected_duration_s: 0.1 },
];
const at = (t: number) => Date.UTC(2026, 0, 1, 10, 0, 0) + t * 1000;

function stateAfter(events: ReturnType<typeof demoRun>) {
  const start = liveReducer(initialLiveState, {
    type: "snapshot",
    operation: makeOperation({ status: "queued" }),
  });
  return liveReducer(start, { type: "events", events });
}

describe("buildStageTimeline", () => {
  it("marks done stages with durations from stage timestamps, the current one running, the rest pending", () => {
    const state = stateAfter(demoRun().slice(0, 7)); // in "work" since t=3
    const rows = buildStageTimeline(stages, state.stageMarks, state.operation, state.terminalTs, at(10));
    expect(rows.map((r) => [r.name, r.state, r.durationS])).toEqual([
      ["prepare", "done", 2],
      ["work", "current", 7],
      ["finish", "pending", null],
    ]);
  });

  it("closes the last stage at the terminal event when completed", () => {
    const state = stateAfter(demoRun());
    const rows = buildStageTimeline(stages, state.stageMarks, state.operation, state.terminalTs, at(99));
    expect(rows.map((r) => [r.state, r.durationS])).toEqual([
      ["done", 2],
      ["done", 8],
      ["done", 1],
    ]);
    expect(rows[1]?.startedAt).toBe(demoRun()[3]?.ts);
  });

  it("shows where a failed or cancelled operation stopped", () => {
    const events = [
      ...demoRun().slice(0, 5),
      makeEvent(6, 9, { type: "status", status: "failed", stage_index: 1, percent: 50 }),
    ];
    const state = stateAfter(events);
    const rows = buildStageTimeline(stages, state.stageMarks, state.operation, state.terminalTs, at(99));
    expect(rows.map((r) => [r.state, r.durationS])).toEqual([
      ["done", 2],
      ["stopped", 6],
      ["pending", null],
    ]);
  });

  it("adds up the time of a stage entered twice and marks unvisited earlier stages skipped", () => {
    const events = [
      makeEvent(1, 0, { type: "stage", stage_index: 1 }),
      makeEvent(2, 4, { type: "stage", stage_index: 2 }),
      makeEvent(3, 5, { type: "stage", stage_index: 1 }),
    ];
    const state = stateAfter(events);
    const rows = buildStageTimeline(stages, state.stageMarks, state.operation, state.terminalTs, at(8));
    expect(rows.map((r) => [r.state, r.durationS])).toEqual([
      ["skipped", null],
      ["current", 7],
      ["done", 1],
    ]);
  });

  it("shows every stage pending before the operation starts", () => {
    const rows = buildStageTimeline(stages, [], makeOperation({ status: "queued" }), null, at(1));
    expect(rows.every((r) => r.state === "pending")).toBe(true);
  });
});
