// The stage timeline (pure): done stages with their durations, the current one, the pending ones.
import type { Operation, Stage } from "@/lib/api-types";
import { isTerminal } from "@/lib/api-types";
import type { StageMark } from "./progress-reducer";

export type StageState = "done" | "current" | "stopped" | "pending" | "skipped";

export interface StageRow {
  index: number;
  name: string;
  description: string;
  state: StageState;
  /** When the stage was first entered. */
  startedAt: string | null;
  /** Seconds spent in the stage (running total for the current one); null if never entered. */
  durationS: number | null;
}

export function buildStageTimeline(
  stages: readonly Stage[],
  marks: readonly StageMark[],
  operation: Pick<Operation, "status" | "finished_at"> | null,
  terminalTs: string | null,
  nowMs: number,
): StageRow[] {
  const status = operation?.status ?? "queued";
  const terminal = isTerminal(status);
  const endMs = (() => {
    const end = terminalTs ?? (terminal ? operation?.finished_at : null);
    return end ? Date.parse(end) : nowMs;
  })();

  const spent = new Map<number, number>();
  const firstStart = new Map<number, string>();
  marks.forEach((mark, i) => {
    const startMs = Date.parse(mark.ts);
    const next = marks[i + 1];
    const stopMs = next ? Date.parse(next.ts) : endMs;
    spent.set(mark.stageIndex, (spent.get(mark.stageIndex) ?? 0) + Math.max(0, stopMs - startMs) / 1000);
    if (!firstStart.has(mark.stageIndex)) firstStart.set(mark.stageIndex, mark.ts);
  });
  const currentIndex = marks.length > 0 ? (marks[marks.length - 1]?.stageIndex ?? -1) : -1;

  return stages.map((stage, index) => {
    const entered = firstStart.has(index);
    let state: StageState;
    if (!entered) {
      state = status === "completed" || index < currentIndex ? "skipped" : "pending";
    } else if (index === currentIndex) {
      if (!terminal) state = "current";
      else state = status === "completed" ? "done" : "stopped";
    } else {
      state = "done";
    }
    return {
      index,
      name: stage.name,
      description: stage.description ?? "",
      state,
      startedAt: firstStart.get(index) ?? null,
      durationS: entered ? (spent.get(index) ?? 0) : null,
    };
  });
}
