import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import { json, stubFetch } from "@/test/fetch-stub";
import { renderWithProviders } from "@/test/render";
import { LazyActivityCharts } from "./LazyActivityCharts";

const BOUNDS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, null];

function throughput(window: string, completed: number) {
  return {
    window,
    bucket_s: 3600,
    buckets: [
      { start: "2026-12-07T09:00:00Z", completed, failed: 1, cancelled: 0, timed_out: 0 },
      { start: "2026-12-07T10:00:00Z", completed: 0, failed: 0, cancelled: 0, timed_out: 0 },
    ],
  };
}

const workflows = {
  window: "24h",
  workflows: [
    {
      workflow: "demo.sleep",
      finished: 3,
      completed: 2,
      failed: 1,
      cancelled: 0,
      timed_out: 0,
      success_rate: 0.6667,
      p50_s: 1.5,
      p95_s: 4,
      max_s: 4,
      durations: BOUNDS.map((le_s, i) => ({ le_s, count: i === 1 || i === 2 ? 1 : 0 })),
    },
  ],
};

describe("ActivityCharts", () => {
  beforeEach(() => startSession("token", 3600));

  it("loads lazily, sums each chart up in words and follows the chosen period", async () => {
    const { requests } = stubFetch({
      "GET /api/v1/stats/throughput": (_req, url) =>
        json(
          throughput(
            url.searchParams.get("window") ?? "24h",
            url.searchParams.get("window") === "7d" ? 9 : 2,
          ),
        ),
      "GET /api/v1/stats/workflows": () => json(workflows),
    });
    renderWithProviders(<LazyActivityCharts scope="user" />);
    expect(await screen.findByTestId("chart-throughput-summary")).toHaveTextContent(
      "3 finished in the last 24 hours: 2 completed, 1 failed, 0 timed out, 0 cancelled.",
    );
    expect(screen.getByTestId("chart-durations-summary")).toHaveTextContent(
      "demo.sleep: 2 completed runs, median 1.5 s, 95th percentile 4.0 s, longest 4.0 s.",
    );
    expect(screen.getByTestId("chart-success-summary")).toHaveTextContent("demo.sleep 66.7% (2 of 3)");
    expect(screen.queryByTestId("chart-queue")).toBeNull(); // administrators only

    await userEvent.click(screen.getByRole("radio", { name: "7 days" }));
    await waitFor(() =>
      expect(screen.getByTestId("chart-throughput-summary")).toHaveTextContent(
        "10 finished in the last 7 days",
      ),
    );
    expect(requests.some((r) => new URL(r.url).searchParams.get("window") === "7d")).toBe(true);
  });

  it("adds the queue over time for administrators", async () => {
    stubFetch({
      "GET /api/v1/stats/throughput": () => json(throughput("24h", 0)),
      "GET /api/v1/stats/workflows": () => json({ window: "24h", workflows: [] }),
      "GET /api/v1/admin/queue/history": () =>
        json({
          window: "24h",
          bucket_s: 600,
          samples: [
            { at: "2026-12-07T10:00:00Z", queued: 5, running: 2 },
            { at: "2026-12-07T10:04:00Z", queued: 1, running: 2 },
          ],
        }),
    });
    renderWithProviders(<LazyActivityCharts scope="admin" />);
    expect(await screen.findByTestId("chart-queue-summary")).toHaveTextContent(
      "Now 1 queued and 2 running; at most 5 queued and 2 running in the last 24 hours.",
    );
    expect(screen.getByTestId("chart-durations")).toHaveTextContent(
      "No completed run to time in this period.",
    );
  });
});
