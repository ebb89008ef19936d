// Turns the activity endpoints' answers into the rows the charts draw, with the few words that sum
// each chart up for screen readers (pure: no I/O, no chart library).
import type { QueueHistory, Throughput, WorkflowActivity } from "@/lib/api-types";

export type ChartWindow = "24h" | "7d";

export const FINISHED_STATUSES = ["completed", "failed", "cancelled", "timed_out"] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

function timeLabel(iso: string, window: ChartWindow, locale?: string): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  return window === "24h" ? time : `${at.toLocaleDateString(locale, { weekday: "short" })} ${time}`;
}

export interface ThroughputRow extends Record<FinishedStatus, number> {
  label: string;
  start: string;
}

export function throughputRows(data: Throughput, locale?: string): ThroughputRow[] {
  return data.buckets.map((b) => ({
    label: timeLabel(b.start, data.window, locale),
    start: b.start,
    completed: b.completed,
    failed: b.failed,
    cancelled: b.cancelled,
    timed_out: b.timed_out,
  }));
}

export function throughputTotals(
  rows: readonly ThroughputRow[],
): Record<FinishedStatus, number> & { all: number } {
  const totals = { completed: 0, failed: 0, cancelled: 0, timed_out: 0, all: 0 };
  for (const row of rows) {
    for (const status of FINISHED_STATUSES) {
      totals[status] += row[status];
      totals.all += row[status];
    }
  }
  return totals;
}

export interface QueueRow {
  label: string;
  at: string;
  queued: number;
  running: number;
}

export function queueRows(data: QueueHistory, locale?: string): QueueRow[] {
  return data.samples.map((s) => ({
    label: timeLabel(s.at, data.window, locale),
    at: s.at,
    queued: s.queued,
    running: s.running,
  }));
}

export function queuePeaks(rows: readonly QueueRow[]): { queued: number; running: number } {
  return rows.reduce(
    (peak, r) => ({ queued: Math.max(peak.queued, r.queued), running: Math.max(peak.running, r.running) }),
    { queued: 0, running: 0 },
  );
}

/** "1 s", "30 s", "2 min", "1 h": a bin bound as people say it. */
export function shortSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${seconds / 60} min`;
  return `${seconds / 3600} h`;
}

/** "1–2 s", "10–30 min", but "30 s–1 min" when the unit changes. */
function secondsRange(from: number, to: number): string {
  const [a, b] = [shortSeconds(from), shortSeconds(to)];
  const unit = (text: string) => text.slice(text.indexOf(" "));
  return unit(a) === unit(b) ? `${a.slice(0, a.indexOf(" "))}–${b}` : `${a}–${b}`;
}

export interface DurationRow {
  bin: string;
  runs: number;
}

/** The histogram's bars, "≤ 1 s", "1–2 s", ..., "> 1 h", cut after the last non-empty bin (an
 * hour-long tail of empty bars would squeeze the ones that matter). */
export function durationRows(workflow: WorkflowActivity): DurationRow[] {
  const rows = workflow.durations.map((bin, i) => {
    const previous = i > 0 ? workflow.durations[i - 1]?.le_s : null;
    const bound = bin.le_s;
    let label: string;
    if (bound === null) label = `> ${shortSeconds(previous ?? 0)}`;
    else if (previous === null || previous === undefined) label = `≤ ${shortSeconds(bound)}`;
    else label = secondsRange(previous, bound);
    return { bin: label, runs: bin.count };
  });
  let last = rows.length - 1;
  while (last > 0 && rows[last]?.runs === 0) last -= 1;
  return rows.slice(0, Math.max(last + 1, 1));
}

/** The label of the bar holding `seconds` (where a p50 or p95 marker goes), or null. */
export function binOf(workflow: WorkflowActivity, seconds: number | null): string | null {
  if (seconds === null) return null;
  const rows = durationRows(workflow);
  const index = workflow.durations.findIndex((b) => b.le_s === null || seconds <= b.le_s);
  return index >= 0 && index < rows.length ? (rows[index]?.bin ?? null) : null;
}

export interface SuccessRow {
  workflow: string;
  /** 0 to 100. */
  rate: number;
  completed: number;
  /** Completed, failed or timed out: what the rate is out of. */
  decided: number;
}

/** Success rate per workflow, worst first (what needs attention on top); workflows whose runs were
 * all cancelled have no rate and are left out. */
export function successRows(workflows: readonly WorkflowActivity[]): SuccessRow[] {
  return workflows
    .filter((w) => w.success_rate !== null)
    .map((w) => ({
      workflow: w.workflow,
      rate: Math.round((w.success_rate ?? 0) * 1000) / 10,
      completed: w.completed,
      decided: w.completed + w.failed + w.timed_out,
    }))
    .sort((a, b) => a.rate - b.rate || a.workflow.localeCompare(b.workflow));
}

/** The workflow whose durations to show first: the busiest. */
export function busiestWorkflow(workflows: readonly WorkflowActivity[]): string | null {
  let best: WorkflowActivity | null = null;
  for (const w of workflows) if (w.completed > 0 && (best === null || w.completed > best.completed)) best = w;
  return best?.workflow ?? null;
}
