// What the Workers panel shows of each worker process: its state, what may be done to it, in what order.
import type { WorkerInfo } from "@/lib/api-types";

export type WorkerCondition = "alive" | "draining" | "late" | "gone";

export interface WorkerView {
  condition: WorkerCondition;
  label: string;
  color: string;
  /** One sentence for the state's tooltip and screen readers. */
  explanation: string;
  canDrain: boolean;
  canResume: boolean;
  /** Only a gone worker may be forgotten: a live one would register again at its next heartbeat. */
  canDeregister: boolean;
}

const ORDER: Record<WorkerCondition, number> = { alive: 0, draining: 1, late: 2, gone: 3 };

export function workerView(worker: WorkerInfo): WorkerView {
  const live = worker.state !== "gone";
  const condition: WorkerCondition =
    worker.state === "gone"
      ? "gone"
      : worker.state === "late"
        ? "late"
        : worker.draining
          ? "draining"
          : "alive";
  const views: Record<WorkerCondition, Pick<WorkerView, "label" | "color" | "explanation">> = {
    alive: { label: "Alive", color: "green", explanation: "Heartbeats arrive; it takes new operations." },
    draining: {
      label: "Draining",
      color: "orange",
      explanation: "It finishes what it runs and takes nothing new until resumed.",
    },
    late: {
      label: worker.draining ? "Late, draining" : "Late",
      color: "yellow",
      explanation: "A heartbeat is overdue: a loaded machine or a network blip, or it is dying.",
    },
    gone: {
      label: "Gone",
      color: "gray",
      explanation: "It stopped or its lease lapsed; what it ran was settled. Listed for a day.",
    },
  };
  return {
    condition,
    ...views[condition],
    canDrain: live && !worker.draining,
    canResume: live && worker.draining,
    canDeregister: !live,
  };
}

/** Alive first, then draining, late and gone; the oldest first within each. */
export function sortWorkers(workers: readonly WorkerInfo[]): WorkerInfo[] {
  return [...workers].sort(
    (a, b) =>
      ORDER[workerView(a).condition] - ORDER[workerView(b).condition] ||
      Date.parse(a.started_at) - Date.parse(b.started_at) ||
      a.id.localeCompare(b.id),
  );
}

export interface WorkersSummary {
  alive: number;
  draining: number;
  late: number;
  gone: number;
  /** Operations the live, non-draining workers can run at once. */
  capacity: number;
  running: number;
}

export function summarise(workers: readonly WorkerInfo[]): WorkersSummary {
  const summary: WorkersSummary = { alive: 0, draining: 0, late: 0, gone: 0, capacity: 0, running: 0 };
  for (const worker of workers) {
    const { condition } = workerView(worker);
    summary[condition] += 1;
    if (condition !== "gone") summary.running += worker.running;
    if (condition === "alive") summary.capacity += worker.capacity;
  }
  return summary;
}

const ROLES: Record<string, string> = { all: "API + workers", worker: "Worker", cli: "CLI run" };

export function roleLabel(role: string): string {
  return ROLES[role] ?? role;
}

/** "just now", "12 s ago", "3 min ago", "2 h ago" since `iso`, as of `nowMs`. */
export function ago(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 2) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}
