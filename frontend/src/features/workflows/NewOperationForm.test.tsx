import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { WorkflowInfo } from "@/lib/api-types";
import { json, problem, stubFetch } from "@/test/fetch-stub";
import reportSchema from "@/test/fixtures/report-params.schema.json";
import { renderRoutes } from "@/test/render";
import { startSession } from "../auth/session";
import { NewOperationForm } from "./NewOperationForm";

const workflow: WorkflowInfo = {
  name: "demo.report",
  title: "Report",
  description: "Makes a report",
  stages: [{ name: "prepare", description: "", weight: 1, expected_duration_s: null }],
  params_schema: reportSchema as unknown as Record<string, unknown>,
  retry_safe: false,
};

function renderForm() {
  return renderRoutes(
    [
      { path: "/workflows/:name", element: <NewOperationForm workflow={workflow} /> },
      { path: "/operations/:id", element: <p>Operation page</p> },
    ],
    "/workflows/demo.report",
  );
}

async function choose(user: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  await user.click(screen.getByRole("combobox", { name: label }));
  await user.click(await screen.findByRole("option", { name: option }));
}

async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await choose(user, "Region", "us");
  await user.type(screen.getByLabelText(/^Month/), "2026-03-01");
  await user.type(screen.getByRole("textbox", { name: "Report title" }), "March report");
}

describe("NewOperationForm (schema-driven)", () => {
  beforeEach(() => startSession("token", 3600));

  it("renders a labelled input of the right kind for every schema shape", () => {
    renderForm();
    expect(screen.getByRole("combobox", { name: "Region" })).toBeInTheDocument(); // $ref enum -> Select
    expect(screen.getByRole("combobox", { name: "Formats" })).toBeInTheDocument(); // array of enums
    expect(screen.getByText("pdf")).toBeInTheDocument(); // ...with its default as a pill
    expect(screen.getByLabelText(/^Month/)).toHaveAttribute("type", "date"); // format: date
    expect(screen.getByRole("switch", { name: "Include drafts" })).not.toBeChecked(); // boolean
    const slider = screen.getByRole("slider", { name: "Top entries" }); // bounded narrow int
    expect(slider).toHaveAttribute("aria-valuemin", "1");
    expect(slider).toHaveAttribute("aria-valuemax", "50");
    expect(slider).toHaveAttribute("aria-valuenow", "10");
    expect(screen.getByRole("textbox", { name: "Sample size" })).toHaveValue("1000"); // wide int
    expect(screen.getByRole("textbox", { name: "Threshold" })).toHaveValue(""); // anyOf [number, null]
    expect(screen.getByRole("textbox", { name: "Notes" }).tagName).toBe("TEXTAREA"); // long max_length
    expect(screen.getByRole("combobox", { name: "Currency" })).toHaveValue("EUR"); // Literal
    expect(screen.getByRole("combobox", { name: "Fallback region" })).toHaveValue(""); // anyOf [$ref, null]
    expect(screen.getByRole("radio", { name: "Normal" })).toBeChecked();
    expect(screen.getByRole("textbox", { name: "Timeout (seconds)" })).toBeInTheDocument();
  });

  it("shows client-side validation messages on the fields and sends nothing", async () => {
    const { fetchMock } = stubFetch({});
    const user = userEvent.setup({ delay: null });
    renderForm();
    await user.type(screen.getByRole("textbox", { name: "Sample size" }), "{Control>}a{/Control}5");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    const region = screen.getByRole("combobox", { name: "Region" });
    expect(region).toHaveAttribute("aria-invalid", "true");
    expect(region).toHaveAccessibleDescription(expect.stringContaining("This field is required"));
    expect(screen.getByRole("textbox", { name: "Report title" })).toHaveAccessibleDescription(
      "This field is required",
    );
    expect(screen.getByRole("textbox", { name: "Sample size" })).toHaveAccessibleDescription(
      expect.stringContaining("Must be at least 10"),
    );
    expect(region).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.type(screen.getByRole("textbox", { name: "Report title" }), "a/");
    await user.tab();
    expect(screen.getByRole("textbox", { name: "Report title" })).toHaveAccessibleDescription(
      "Must be at least 3 characters",
    );
  });

  it("submits typed params with priority and idempotency key, then opens the operation", async () => {
    const { requests } = stubFetch({
      "POST /api/v1/operations": () => json({ id: "op-1", status: "queued" }, { status: 202 }),
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("switch", { name: "Include drafts" }));
    await user.click(screen.getByRole("radio", { name: "High" }));
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    expect(await screen.findByText("Operation page")).toBeInTheDocument();
    const request = requests[0];
    if (!request) throw new Error("no request");
    expect(request.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await request.json()).toEqual({
      workflow: "demo.report",
      priority: "high",
      params: {
        region: "us",
        formats: ["pdf"],
        month: "2026-03-01",
        include_drafts: true,
        top_n: 10,
        sample_size: 1000,
        title: "March report",
        currency: "EUR",
      },
    });
  });

  it("shows server 422 field errors on the right fields", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(422, {
          title: "Invalid parameters",
          errors: [
            {
              loc: ["body", "params", "title"],
              msg: "Value error, a report with this title exists",
              type: "value_error",
            },
            { loc: ["params", "month"], msg: "No data for this month", type: "value_error" },
            { loc: ["body", "timeout_s"], msg: "Must not exceed 86400", type: "less_than_equal" },
            {
              loc: ["body", "params", "unknown"],
              msg: "Extra inputs are not permitted",
              type: "extra_forbidden",
            },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillValid(user);
    await user.type(screen.getByRole("textbox", { name: "Timeout (seconds)" }), "999999");
    await user.click(screen.getByRole("button", { name: "Start operation" }));

    const title = screen.getByRole("textbox", { name: "Report title" });
    await waitFor(() => expect(title).toHaveAccessibleDescription("A report with this title exists"));
    expect(title).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText(/^Month/)).toHaveAccessibleDescription(
      expect.stringContaining("No data for this month"),
    );
    expect(screen.getByRole("textbox", { name: "Timeout (seconds)" })).toHaveAccessibleDescription(
      expect.stringContaining("Must not exceed 86400"),
    );
    const alert = screen.getByRole("alert");
    expect(within(alert).getByText("unknown: Extra inputs are not permitted")).toBeInTheDocument();
  });

  it("explains a full queue with the retry time instead of raw JSON", async () => {
    stubFetch({
      "POST /api/v1/operations": () =>
        problem(
          503,
          { title: "Queue full", detail: "The queue is full (1000 operations waiting); retry later" },
          {
            "Retry-After": "30",
          },
        ),
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Start operation" }));
    await waitFor(() => expect(screen.getAllByRole("alert")).toHaveLength(2));
    const [inline, toast] = ["The operation was not started", "The queue is full"].map((title) =>
      screen.getAllByRole("alert").find((el) => el.textContent?.includes(title)),
    );
    for (const alert of [inline, toast]) {
      expect(alert).toHaveTextContent("The queue is full (1000 operations waiting); retry later");
      expect(alert).toHaveTextContent("Please try again in 30 seconds.");
      expect(alert).not.toHaveTextContent("{");
    }
  });
});
