import { describe, expect, it } from "vitest";
import type { QueueHistory, Throughput, WorkflowActivity } from "@/lib/api-types";
import {
  binOf,
  busiestWorkflow,
  durationRows,
  queuePeaks,
  queueRows,
  successRows,
  throughputRows,
  throughputTotals,
} from "./chart-data";

const BOUNDS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, null] as const;

function activity(
  name: string,
  overrides: Partial<WorkflowActivity> = {},
  counts: number[] = [],
): WorkflowActivity {
  return {
    workflow: name,
    finished: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    timed_out: 0,
    success_rate: null,
    p50_s: null,
    p95_s: null,
    max_s: null,
    durations: BOUNDS.map((le_s, i) => ({ le_s, count: counts[i] ?? 0 })),
    ...overrides,
  };
}

describe("throughput", () => {
  const data: Throughput = {
    window: "24h",
    bucket_s: 3600,
    buckets: [
      { start: "2026-12-07T09:00:00Z", completed: 3, failed: 1, cancelled: 0, timed_out: 0 },
      { start: "2026-12-07T10:00:00Z", completed: 0, failed: 0, cancelled: 2, timed_out: 1 },
    ],
  };

  it("keeps one row per hour, every status a series, labelled in local time", () => {
    const rows = throughputRows(data, "en-GB");
    // The tests run in America/Los_Angeles: 09:00 UTC is 01:00 there.
    expect(rows.map((r) => r.label)).toEqual(["01:00", "02:00"]);
    expect(rows[0]).toMatchObject({ completed: 3, failed: 1, cancelled: 0, timed_out: 0 });
  });

  it("labels a week's hours with their weekday", () => {
    expect(throughputRows({ ...data, window: "7d" }, "en-GB")[0]?.label).toBe("Mon 01:00");
  });

  it("totals each status over the window", () => {
    expect(throughputTotals(throughputRows(data))).toEqual({
      completed: 3,
      failed: 1,
      cancelled: 2,
      timed_out: 1,
      all: 7,
    });
  });
});

describe("queue history", () => {
  it("draws every sample and finds the peaks", () => {
    const data: QueueHistory = {
      window: "24h",
      bucket_s: 600,
      samples: [
        { at: "2026-12-07T10:00:00Z", queued: 4, running: 1 },
        { at: "2026-12-07T10:10:00Z", queued: 0, running: 3 },
        { at: "2026-12-07T10:14:07Z", queued: 1, running: 2 },
      ],
    };
    const rows = queueRows(data, "en-GB");
    expect(rows.map((r) => [r.label, r.queued, r.running])).toEqual([
      ["02:00", 4, 1],
      ["02:10", 0, 3],
      ["02:14", 1, 2],
    ]);
    expect(queuePeaks(rows)).toEqual({ queued: 4, running: 3 });
    expect(queuePeaks([])).toEqual({ queued: 0, running: 0 });
  });
});

describe("durations", () => {
  const report = activity("report", { completed: 9, p50_s: 4.2, p95_s: 25 }, [1, 0, 5, 0, 3]);

  it("labels the bins by their bounds and stops after the last non-empty one", () => {
    expect(durationRows(report)).toEqual([
      { bin: "≤ 1 s", runs: 1 },
      { bin: "1–2 s", runs: 0 },
      { bin: "2–5 s", runs: 5 },
      { bin: "5–10 s", runs: 0 },
      { bin: "10–30 s", runs: 3 },
    ]);
    const slow = activity("slow", {}, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2]);
    expect(
      durationRows(slow)
        .slice(-4)
        .map((r) => r.bin),
    ).toEqual(["5–10 min", "10–30 min", "30 min–1 h", "> 1 h"]);
    expect(durationRows(activity("none"))).toEqual([{ bin: "≤ 1 s", runs: 0 }]);
  });

  it("places the percentile markers on the bars that hold them", () => {
    expect(binOf(report, report.p50_s)).toBe("2–5 s");
    expect(binOf(report, report.p95_s)).toBe("10–30 s");
    expect(binOf(report, 5)).toBe("2–5 s"); // a bound belongs to the bin it closes
    expect(binOf(report, null)).toBeNull();
  });

  it("shows the busiest workflow first", () => {
    expect(busiestWorkflow([activity("a", { completed: 2 }), activity("b", { completed: 7 })])).toBe("b");
    expect(busiestWorkflow([activity("only-cancelled", { cancelled: 3 })])).toBeNull();
  });
});

describe("success rate", () => {
  it("puts the worst first, in percent, out of the runs that completed, failed or timed out", () => {
    const rows = successRows([
      activity("good", { completed: 99, failed: 1, success_rate: 0.99 }),
      activity("bad", { completed: 1, failed: 2, timed_out: 1, success_rate: 0.25 }),
      activity("cancelled-only", { cancelled: 4, success_rate: null }),
    ]);
    expect(rows).toEqual([
      { workflow: "bad", rate: 25, completed: 1, decided: 4 },
      { workflow: "good", rate: 99, completed: 99, decided: 100 },
    ]);
  });
});
