import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { startSession } from "@/features/auth/session";
import type { OperationEvent, WorkflowInfo } from "@/lib/api-types";
import { demoRun, makeEvent, makeOperation } from "@/test/factories";
import { FakeWebSocket } from "@/test/fake-websocket";
import { json, stubFetch } from "@/test/fetch-stub";
import { renderRoutes } from "@/test/render";
import { OperationPage } from "./OperationPage";
import { MAX_PENDING } from "./progress-reducer";

const workflow: WorkflowInfo = {
  name: "demo.sleep",
  title: "Sleep (demo)",
  description: "",
  stages: [
    { name: "prepare", description: "Get ready", weight: 1, expected_duration_s: null },
    { name: "work", description: "Sleep step by step", weight: 8, expected_duration_s: null },
    { name: "finish", description: "Wrap up", weight: 1, expected_duration_s: null },
  ],
  params_schema: {
    type: "object",
    properties: {
      steps: { type: "integer", title: "Steps" },
      step_s: { type: "number", title: "Step duration (s)" },
    },
  },
  retry_safe: false,
  requires: [],
};

function serve(operation: ReturnType<typeof makeOperation>, events: (afterSeq: number) => OperationEvent[]) {
  return stubFetch({
    "GET /api/v1/operations/op-1": () => json(operation),
    "GET /api/v1/operations/op-1/events": (_req, url) =>
      json(events(Number(url.searchParams.get("after_seq")))),
    "GET /api/v1/workflows/demo.sleep": () => json(workflow),
  });
}

function renderPage() {
  return renderRoutes([{ path: "/operations/:id", element: <OperationPage /> }], "/operations/op-1");
}

/** The value cell of a key/value table row, by its label. */
function cell(table: HTMLElement, label: string) {
  const header = within(table).getByRole("rowheader", { name: label });
  const row = header.closest("tr");
  if (!row) throw new Error(`no row for ${label}`);
  return within(row).getByRole("cell");
}

describe("OperationPage", () => {
  beforeEach(() => startSession("token", 3600));

  it("shows the result and the parameters as readable tables, with the raw JSON on request", async () => {
    const result = { steps: 15, files: ["a.csv", "b.csv"], rows: { scanned: 10, valid: 9 }, passed: true };
    serve(
      makeOperation({ status: "completed", last_seq: 9, result, params: { steps: 15, step_s: 0.4 } }),
      (after) => demoRun().filter((e) => e.seq > after),
    );
    const user = userEvent.setup({ delay: null });
    renderPage();

    const region = await screen.findByRole("region", { name: "Result" });
    const table = within(region).getByRole("table", { name: "Result" });
    expect(cell(table, "Steps")).toHaveTextContent("15");
    expect(cell(table, "Files")).toHaveTextContent("a.csv, b.csv");
    expect(cell(table, "Rows")).toHaveTextContent("scanned: 10, valid: 9");
    expect(cell(table, "Passed")).toHaveTextContent("Yes");
    expect(region).not.toHaveTextContent("{");

    const show = within(region).getByRole("button", { name: "Show JSON" });
    expect(show).toHaveAttribute("aria-expanded", "false");
    await user.click(show);
    expect(within(region).getByRole("button", { name: "Hide JSON" })).toHaveAttribute(
      "aria-expanded",
      "true",
    );
    expect(await within(region).findByLabelText("Result as JSON")).toHaveTextContent('"steps": 15');

    // Parameters are labelled with the workflow's own titles.
    const params = within(screen.getByRole("region", { name: "Parameters" })).getByRole("table");
    await waitFor(() => expect(cell(params, "Step duration (s)")).toHaveTextContent("0.4"));
    expect(cell(params, "Steps")).toHaveTextContent("15");
    const stages = screen.getByRole("list", { name: "Stages" });
    expect(
      within(stages)
        .getAllByRole("listitem")
        .map((li) => li.dataset.state),
    ).toEqual(["done", "done", "done"]);
  });

  it("fetches the log again over REST when a gap outgrows the buffer, and catches up", async () => {
    const last = MAX_PENDING + 20;
    const all = [
      ...Array.from({ length: last - 1 }, (_, i) =>
        makeEvent(i + 1, i, { type: "log", message: `line ${i + 1}`, level: "info" }),
      ),
      makeEvent(last, last, { type: "status", status: "completed", percent: 100, message: "Done" }),
    ];
    // The first history answer misses seq 2 (the gap); asked again from the gap, the log is complete.
    const { requests } = serve(makeOperation({ status: "running", last_seq: 0 }), (after) =>
      after === 0 ? all.filter((e) => e.seq !== 2) : all.filter((e) => e.seq > after),
    );
    renderPage();

    const status = await screen.findByTestId("operation-status");
    await waitFor(() => expect(status).toHaveTextContent("completed"));
    expect(screen.getByTestId("operation-message")).toHaveTextContent("Done");
    const asked = requests
      .map((r) => new URL(r.url))
      .filter((u) => u.pathname.endsWith("/events"))
      .map((u) => u.searchParams.get("after_seq"));
    expect(asked).toEqual(["0", "1"]);
    expect(
      within(screen.getByRole("log", { name: "Operation log" })).getByText("line 2"),
    ).toBeInTheDocument();
  });

  it("shows Reconnecting while the stream is re-established, and when live updates stop for good", async () => {
    serve(makeOperation({ status: "running", last_seq: 2 }), (after) =>
      demoRun()
        .slice(0, 2)
        .filter((e) => e.seq > after),
    );
    renderPage();
    await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
    const socket = FakeWebSocket.last();
    expect(new URL(socket.url).searchParams.get("after_seq")).toBe("2");
    act(() => {
      socket.open();
      socket.message({ type: "snapshot", operation: makeOperation({ status: "running", last_seq: 2 }) });
    });
    expect(screen.queryByRole("status", { name: /Reconnecting/ })).not.toBeInTheDocument();

    act(() => {
      window.dispatchEvent(new Event("offline"));
    });
    expect(screen.getByText("Reconnecting…")).toBeInTheDocument();
    act(() => {
      window.dispatchEvent(new Event("online"));
    });
    const again = FakeWebSocket.last();
    expect(again).not.toBe(socket);
    act(() => {
      again.open();
      again.message({ type: "event", event: demoRun()[2] });
    });
    expect(screen.queryByText("Reconnecting…")).not.toBeInTheDocument();

    // The server refuses the stream (1008): no retry loop, and the page says updates stopped.
    act(() => again.drop(1008));
    expect(screen.getByText("Live updates stopped")).toBeInTheDocument();
    expect(FakeWebSocket.all).toHaveLength(2);
  });
});
