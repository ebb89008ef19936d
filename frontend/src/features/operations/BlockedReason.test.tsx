import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import { makeOperation } from "@/test/factories";
import { json, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { blockedReasonOf } from "./BlockedReason";
import { OperationPage } from "./OperationPage";
import { OperationsTable } from "./OperationsTable";

const REASON = "No live worker runs demo.sleep (every worker that does is draining).";

describe("blocked reason", () => {
  beforeEach(() => startSession("token", 3600));

  it("applies to queued operations only", () => {
    expect(blockedReasonOf({ status: "queued", blocked_reason: REASON })).toBe(REASON);
    expect(blockedReasonOf({ status: "queued", blocked_reason: null })).toBeNull();
    // A stale reason from a snapshot taken while it was queued is not shown once it runs.
    expect(blockedReasonOf({ status: "running", blocked_reason: REASON })).toBeNull();
  });

  it("is shown under the status of the queued rows that cannot start", () => {
    const operations = [
      makeOperation({ id: "blocked", status: "queued", started_at: null, blocked_reason: REASON }),
      makeOperation({ id: "waiting", status: "queued", started_at: null }),
      makeOperation({ id: "running", status: "running", blocked_reason: REASON }),
    ];
    renderRoutes([{ path: "/", element: <OperationsTable operations={operations} caption="Ops" /> }], "/");
    const rows = screen.getAllByRole("row").slice(1);
    expect(within(rows[0] as HTMLElement).getByTestId("blocked-reason")).toHaveTextContent(
      `Cannot start: ${REASON}`,
    );
    expect(within(rows[1] as HTMLElement).queryByTestId("blocked-reason")).toBeNull();
    expect(within(rows[2] as HTMLElement).queryByTestId("blocked-reason")).toBeNull();
  });

  it("is an alert on the operation's page while it waits", async () => {
    const queued = makeOperation({ status: "queued", started_at: null, blocked_reason: REASON, last_seq: 1 });
    stubFetch({
      "GET /api/v1/operations/op-1": () => json(queued),
      "GET /api/v1/operations/op-1/events": () => json([]),
      "GET /api/v1/workflows/demo.sleep": () =>
        json({
          name: "demo.sleep",
          title: "Sleep (demo)",
          description: "",
          stages: [],
          params_schema: { type: "object", properties: {} },
          retry_safe: false,
          requires: [],
        }),
    });
    renderRoutes([{ path: "/operations/:id", element: <OperationPage /> }], "/operations/op-1");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No worker can start this operation now");
    expect(alert).toHaveTextContent(REASON);
  });
});
